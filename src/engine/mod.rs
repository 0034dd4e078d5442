//! The one engine of layers: a network is a sequence of Caffe-style layers, one
//! operation each (`conv`, `max_pool`, `avg_pool`, `flatten`, `dense`, and the
//! activations `relu`, `leaky_relu`, `sigmoid`, `tanh`, `linear`, `softmax`), each
//! with its forward, its backward and its parameters. A fully connected network is
//! dense + activation layers ([`Net::from_network`]), with bit-identical numbers.
//!
//! Conventions (`fixtures/cnn/README.md`): cross-correlation with zero padding, floor
//! output sizes, C-order blobs and flatten, max-pool ties to the first maximum in
//! row-major order, average pooling counting the padding in its divisor.

pub mod conv;
pub mod conv_terms;
pub mod dense;
pub mod full_conv;
pub mod im2col;
pub mod pool;
pub mod shape;
#[cfg(test)]
mod test_util;

pub use conv::Conv;
pub use dense::Dense;
pub use pool::Pool;
pub use shape::Shape;
