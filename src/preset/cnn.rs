//! The convolutional presets: small networks of the engine of layers, each written in
//! the `fixtures/cnn` shape (the first three are the public fixtures' own networks and
//! examples, so the numbers on screen are PyTorch's).

use super::about;
use crate::explain::Bilingual;
use crate::init::Init;
#[cfg(feature = "full")]
use crate::problem::Problem;

/// The convolutional presets, in menu order.
pub const NAMES: [&str; 5] = [
    "cnn-edge",
    "lenet-tiny",
    "pooling-max",
    "pooling-avg",
    "stride-padding",
];

/// The preset `name`, if it is one of these: its words for the menu, its network read
/// from its JSON only when it is made ([`problem`]).
pub fn get(name: &str) -> Option<super::Entry> {
    let b = Bilingual::new;
    let (name, title, description) = match name {
        "cnn-edge" => (
            "cnn-edge",
            b("A vertical edge: conv, ReLU, max pool", "竖直边缘：卷积、ReLU、最大池化"),
            about(
                "A 5×5 image with a vertical edge, one 2×2 edge kernel (4×4 map), ReLU, 2×2 max pooling with stride 2 (a 2×2 map), a dense layer and softmax: small enough to check every number on paper.",
                "一幅带竖直边缘的 5×5 图像，一个 2×2 的边缘卷积核（得到 4×4 特征图），ReLU，步长 2 的 2×2 最大池化（得到 2×2），再接全连接层和 softmax：小到每个数都能在纸上验算。",
            ),
        ),
        "lenet-tiny" => (
            "lenet-tiny",
            b("LeNet in miniature", "迷你 LeNet"),
            about(
                "LeNet's layers on a 10×10 image: conv 3×3 (3 channels), ReLU, max pool, conv 2×2 (4 channels), ReLU, max pool, flatten, dense, softmax. Step backward to see Caffe's Net::Backward walk the layers from the top down.",
                "LeNet 的各层作用在一幅 10×10 图像上：3×3 卷积（3 个通道）、ReLU、最大池化、2×2 卷积（4 个通道）、ReLU、最大池化、展平、全连接、softmax。反向逐步执行，可以看到 Caffe 的 Net::Backward 如何从最上层逐层向下。",
            ),
        ),
        "pooling-max" => (
            "pooling-max",
            b("Pooling: max, with a tie", "池化：最大池化与并列最大值"),
            about(
                "2×2 max pooling with stride 1 on a 4×4 image: the windows overlap, two windows hold a tie (the first maximum in row-major order wins), and an input that wins several windows collects all their gradients. Compare with pooling-avg on the same image.",
                "在 4×4 图像上做步长为 1 的 2×2 最大池化：窗口互相重叠，有两个窗口出现并列最大值（按行优先顺序第一个最大值胜出），赢下多个窗口的输入会把这些窗口的梯度都累加起来。可与同一图像上的 pooling-avg 对比。",
            ),
        ),
        "pooling-avg" => (
            "pooling-avg",
            b("Pooling: average", "池化：平均池化"),
            about(
                "The same 4×4 image and overlapping 2×2 windows as pooling-max, averaged: every cell of a window gets a quarter of its gradient, so the gradient spreads instead of picking a winner.",
                "与 pooling-max 相同的 4×4 图像和重叠的 2×2 窗口，改为取平均：窗口里的每个单元都得到四分之一的梯度，梯度是分散开的，而不是只给胜出者。",
            ),
        ),
        "stride-padding" => (
            "stride-padding",
            b("Stride and padding", "步长与填充"),
            about(
                "Two input channels, 3×3 kernels with stride 2 and padding 1 (a 5×5 image gives a 3×3 map: ⌊(5 + 2 − 3) / 2⌋ + 1), tanh, 2×2 average pooling with overlapping windows, dense, mse. Backward, δ is dilated by the stride and padded by k − 1 before the 180°-turned kernel slides over it.",
                "两个输入通道，3×3 卷积核，步长 2、填充 1（5×5 图像得到 3×3 特征图：⌊(5 + 2 − 3) / 2⌋ + 1），tanh，窗口重叠的 2×2 平均池化，全连接，均方误差。反向时，δ 先按步长膨胀、再填充 k − 1，然后让转了 180° 的卷积核在上面滑动。",
            ),
        ),
        _ => return None,
    };
    Some(super::Entry {
        name,
        title,
        description,
        dataset: None,
        init: Init::He,
        seed: 1,
        batch_size: 1,
        make: super::Make::Fixture(name),
    })
}

/// The network and example of the preset `name` (one of [`NAMES`]), read from its JSON.
/// The full module's only: the first makes no CNN (their text stays out of its download).
#[cfg(feature = "full")]
pub(super) fn problem(name: &str) -> Problem {
    let json = match name {
        "cnn-edge" => include_str!("cnn-edge.json"),
        "lenet-tiny" => include_str!("lenet-tiny.json"),
        "pooling-max" => include_str!("pooling-max.json"),
        "pooling-avg" => include_str!("pooling-avg.json"),
        "stride-padding" => include_str!("stride-padding.json"),
        _ => unreachable!("{name} is not a CNN preset"),
    };
    let v = crate::json::parse(json).expect("a preset's JSON is written by hand and tested");
    Problem::from_value(&v, "").expect("a preset is valid (tested)")
}

/// `cnn-strokes`: a CNN of 151 parameters learns to tell horizontal, vertical and
/// diagonal strokes apart; a fully connected network of 139 trains beside it.
pub(super) fn strokes() -> super::Entry {
    let b = Bilingual::new;
    super::Entry {
        name: "cnn-strokes",
        title: b("Training a CNN: strokes", "训练卷积网络：笔画"),
        description: about(
            "600 pictures of 8×8 (half held out), each one stroke: horizontal, vertical or diagonal, anywhere, with noise. Conv 3×3 with 4 kernels, ReLU, 2×2 max pooling, dense, softmax: 151 parameters. Train it and watch the kernels become stroke detectors; a fully connected network of 139 parameters (64-2-3) trains beside it on the same pictures and has to learn every position apart.",
            "600 幅 8×8 图像（一半留作测试），每幅一笔：横、竖或斜，位置随机，带噪声。3×3 卷积 4 个核、ReLU、2×2 最大池化、全连接、softmax：共 151 个参数。训练它，看卷积核变成笔画检测器；一个 139 个参数的全连接网络（64-2-3）在同样的图像上同步训练，它必须把每个位置分开学。",
        ),
        dataset: None,
        init: Init::He,
        seed: 1,
        batch_size: 1,
        make: super::Make::Images(crate::images::Spec {
            images: crate::images::Kind::Strokes,
            points: 600,
            noise: 0.3,
            test_fraction: 0.5,
            seed: 1,
        }),
    }
}

/// The problem of `cnn-strokes`: the CNN drawn from `seed`, on the first training
/// picture, learning rate 0.05 (online SGD learns the set in about 600 examples).
#[cfg(feature = "full")]
pub(super) fn strokes_problem(spec: &crate::images::Spec, seed: u64) -> Problem {
    let (train, _) = spec.split();
    Problem {
        net: crate::images::cnn(seed),
        input: train.inputs[0].clone(),
        target: train.targets[0].clone(),
        learning_rate: 0.05,
        weight_decay: 0.0,
        freeze_biases: false,
    }
}
