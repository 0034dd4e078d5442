//! im2col (to come).
