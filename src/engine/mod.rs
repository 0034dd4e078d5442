//! The one engine of layers: a network is a sequence of Caffe-style layers, one
//! operation each (`conv`, `max_pool`, `avg_pool`, `flatten`, `dense`, and the
//! activations `relu`, `leaky_relu`, `sigmoid`, `tanh`, `linear`, `softmax`), each
//! with its forward, its backward and its parameters. A fully connected network is
//! dense + activation layers ([`crate::network`] reads it so).
//!
//! Conventions (`fixtures/cnn/README.md`): cross-correlation with zero padding, floor
//! output sizes, C-order blobs and flatten, max-pool ties to the first maximum in
//! row-major order, average pooling counting the padding in its divisor.

pub mod conv;
pub mod conv_terms;
pub mod dense;
pub mod fc;
pub mod format;
pub mod full_conv;
pub mod gradcheck;
pub mod im2col;
pub mod lanes;
pub mod layer;
pub mod net;
pub mod params;
pub mod pass;
pub mod pool;
pub mod shape;
#[cfg(test)]
pub(crate) mod test_util;
pub mod validate;

pub use conv::Conv;
pub use dense::Dense;
pub use fc::FcWorkspace;
pub use format::{net_and_input, net_from_value};
pub use layer::{Grads, Layer};
pub use net::{Net, Workspace};
pub use params::Param;
pub use pass::Pass;
pub use pool::Pool;
pub use shape::Shape;
