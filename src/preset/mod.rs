//! Worked examples and lab set-ups, by name: Mazur's example, XOR, and networks that
//! show vanishing, exploding and dead-ReLU gradients.

use crate::activation::Activation::{self, *};
use crate::dataset::{self, Kind, Spec};
use crate::explain::Bilingual;
use crate::feature::{
    self,
    Feature::{self, *},
};
use crate::init::{self, Init};
use crate::loss::Loss;
use crate::network::{MlpSpec, MlpSpecLayer};
use crate::problem::Problem;

/// A named starting point: one example to step through, and optionally a dataset to train on.
#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    pub name: &'static str,
    pub title: Bilingual,
    pub description: Bilingual,
    pub problem: Problem,
    pub dataset: Option<Spec>,
    /// Pictures to train on (a CNN's dataset), instead of points.
    pub images: Option<crate::images::Spec>,
    /// Initialisation used for "new weights" (and to build the preset, where drawn).
    pub init: Init,
    /// Seed of the drawn weights.
    pub seed: u64,
    /// Examples per update the preset trains with (1: online).
    pub batch_size: usize,
}

/// A preset before it is made: its name, words and data for a menu, and how to make it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub name: &'static str,
    pub title: Bilingual,
    pub description: Bilingual,
    pub dataset: Option<Spec>,
    pub init: Init,
    pub seed: u64,
    pub batch_size: usize,
    make: Make,
}

/// How a preset's problem is made.
#[derive(Clone, Debug, PartialEq)]
enum Make {
    /// Written out (Mazur's numbers, a fixture's network).
    Given(Problem),
    /// Drawn from the seed, its example the dataset's first.
    Drawn(Drawn),
    /// The CNN of [`crate::images::cnn`] drawn from the seed, on these pictures (its
    /// example the first training picture).
    Images(crate::images::Spec),
    /// The convolutional preset of this name, read from its JSON ([`cnn::problem`]).
    Fixture(&'static str),
}

/// A network drawn with the entry's initialisation and seed.
#[derive(Clone, Debug, PartialEq)]
struct Drawn {
    sizes: Vec<usize>,
    acts: Vec<Activation>,
    loss: Loss,
    learning_rate: f64,
    /// Every drawn weight multiplied by this (large weights explode).
    scale: f64,
    /// Biases of the first layer set after drawing: (unit, value).
    first_biases: &'static [(usize, f64)],
}

impl Entry {
    fn given(p: Preset) -> Entry {
        Entry {
            name: p.name,
            title: p.title,
            description: p.description,
            dataset: p.dataset,
            init: p.init,
            seed: p.seed,
            batch_size: p.batch_size,
            make: Make::Given(p.problem),
        }
    }

    /// Whether the preset is a convolutional network.
    pub fn is_cnn(&self) -> bool {
        match &self.make {
            Make::Given(p) => !p.net.is_mlp(),
            Make::Drawn(_) => false,
            Make::Images(_) | Make::Fixture(_) => true,
        }
    }

    /// The preset: its weights drawn and its data made where they are not written out.
    /// The page's first wasm module draws none (it steps written-out presets only).
    pub fn make(self) -> Result<Preset, crate::error::Error> {
        let (problem, images) = match self.make {
            Make::Given(p) => (p, None),
            #[cfg(feature = "full")]
            Make::Drawn(d) => (d.problem(self.dataset.as_ref(), self.init, self.seed), None),
            #[cfg(feature = "full")]
            Make::Images(spec) => (cnn::strokes_problem(&spec, self.seed), Some(spec)),
            #[cfg(feature = "full")]
            Make::Fixture(name) => (cnn::problem(name), None),
            #[cfg(not(feature = "full"))]
            Make::Drawn(_) | Make::Images(_) | Make::Fixture(_) => {
                return Err(crate::error::Error::new(
                    crate::error::ErrorKind::NeedsFullLab,
                ))
            }
        };
        Ok(Preset {
            name: self.name,
            title: self.title,
            description: self.description,
            problem,
            dataset: self.dataset,
            images,
            init: self.init,
            seed: self.seed,
            batch_size: self.batch_size,
        })
    }
}

#[cfg(feature = "full")]
impl Drawn {
    /// The drawn network on the first training example of `spec`'s data.
    fn problem(&self, spec: Option<&Spec>, init: Init, seed: u64) -> Problem {
        let mut net = init::network(&self.sizes, &self.acts, self.loss, init, seed);
        for l in 0..net.depth() {
            if let Some(d) = net.dense_mut(l) {
                d.weights.iter_mut().for_each(|w| *w *= self.scale);
            }
        }
        if let Some(d) = net.dense_mut(0) {
            for &(i, b) in self.first_biases {
                d.biases[i] = b;
            }
        }
        let spec = spec.expect("a drawn preset has a dataset");
        let out = net.output_activation();
        let samples = dataset::generate(spec);
        let (train, _) = dataset::split(spec, &samples, net.outputs(), out);
        Problem {
            input: train.inputs[0].clone(),
            target: train.targets[0].clone(),
            net,
            learning_rate: self.learning_rate,
            weight_decay: 0.0,
            freeze_biases: false,
        }
    }
}

pub mod cnn;

/// A preset's description, the menu's tooltip. The page's first module keeps none (4.5 KB
/// of its gzip): the page fetches them after the first frame from `www/presets.json`,
/// which `make dist` writes from the full module (tools/presets-json.mjs).
#[inline(always)]
fn about(en: &'static str, zh: &'static str) -> Bilingual {
    if cfg!(feature = "full") {
        Bilingual::new(en, zh)
    } else {
        Bilingual::new("", "")
    }
}

/// Every preset name, in menu order: the fully connected ones, then the convolutional
/// ones ([`cnn::NAMES`]).
pub const NAMES: [&str; 21] = [
    "mazur",
    "mazur-frozen-bias",
    "xor",
    "relu-regression",
    "softmax-3class",
    "vanishing",
    "vanishing-relu",
    "exploding",
    "dead-relu",
    "data-circle",
    "data-xor",
    "data-gaussians",
    "data-spiral",
    "data-plane",
    "data-gaussian-sum",
    "cnn-edge",
    "lenet-tiny",
    "pooling-max",
    "pooling-avg",
    "stride-padding",
    "cnn-strokes",
];

fn layer(activation: Activation, weights: &[&[f64]], biases: &[f64]) -> MlpSpecLayer {
    MlpSpecLayer {
        activation,
        weights: weights.iter().map(|r| r.to_vec()).collect(),
        biases: biases.to_vec(),
    }
}

fn mazur_problem(freeze_biases: bool) -> Problem {
    Problem {
        net: MlpSpec {
            layers: vec![
                layer(Sigmoid, &[&[0.15, 0.2], &[0.25, 0.3]], &[0.35, 0.35]),
                layer(Sigmoid, &[&[0.4, 0.45], &[0.5, 0.55]], &[0.6, 0.6]),
            ],
            loss: Loss::HalfSse,
        }
        .into_net(),
        input: vec![0.05, 0.1],
        target: vec![0.01, 0.99],
        learning_rate: 0.5,
        weight_decay: 0.0,
        freeze_biases,
    }
}

/// A preset whose network is drawn from a seed and whose example is the dataset's first
/// (made only when loaded: the menu needs its name and words, not its weights).
#[allow(clippy::too_many_arguments)]
fn drawn(
    name: &'static str,
    title: Bilingual,
    description: Bilingual,
    sizes: &[usize],
    acts: &[Activation],
    loss: Loss,
    init: Init,
    seed: u64,
    learning_rate: f64,
    spec: Spec,
    scale: f64,
) -> Entry {
    Entry {
        name,
        title,
        description,
        dataset: Some(spec),
        init,
        seed,
        batch_size: 1,
        make: Make::Drawn(Drawn {
            sizes: sizes.to_vec(),
            acts: acts.to_vec(),
            loss,
            learning_rate,
            scale,
            first_biases: &[],
        }),
    }
}

/// A TensorFlow Playground dataset preset: TFP's point count (500; 1200 to regress),
/// half the points held out, data seed 1; the network takes `features`, then tanh
/// hidden layers of the given widths and one output unit; weights drawn with `init`
/// from seed 1; batches of 10.
#[allow(clippy::too_many_arguments)]
fn tfp(
    name: &'static str,
    title: Bilingual,
    description: Bilingual,
    kind: Kind,
    noise: f64,
    features: &[Feature],
    hidden: &[usize],
    out: Activation,
    loss: Loss,
    learning_rate: f64,
    init: Init,
) -> Entry {
    let spec = Spec {
        kind,
        points: kind.tfp_points(),
        noise,
        test_fraction: 0.5,
        seed: 1,
        features: feature::normalise(features),
    };
    let mut sizes = vec![spec.inputs()];
    sizes.extend(hidden);
    sizes.push(1);
    let mut acts = vec![Tanh; hidden.len()];
    acts.push(out);
    let mut e = drawn(
        name,
        title,
        description,
        &sizes,
        &acts,
        loss,
        init,
        1,
        learning_rate,
        spec,
        1.0,
    );
    e.batch_size = 10;
    e
}

fn spec(kind: Kind, points: usize, noise: f64, test_fraction: f64) -> Spec {
    Spec::new(kind, points, noise, test_fraction, 1)
}

/// The preset of that name; the error lists the valid names.
pub fn get(name: &str) -> Result<Preset, crate::error::Error> {
    entry(name)?.make()
}

/// The preset of that name before it is made: its name, words and data, for a menu.
pub fn entry(name: &str) -> Result<Entry, crate::error::Error> {
    if let Some(e) = cnn::get(name) {
        return Ok(e);
    }
    if name == "cnn-strokes" {
        return Ok(cnn::strokes());
    }
    let b = Bilingual::new;
    let p = match name {
        "mazur" => Entry::given(Preset {
            name: "mazur",
            title: b("Mazur's step-by-step example", "Mazur 的逐步反向传播示例"),
            description: about(
                "Matt Mazur's \"A Step by Step Backpropagation Example\": a 2-2-2 sigmoid network, half the sum of squared errors, learning rate 0.5. Every number of his post appears in the trace (here the biases are updated too).",
                "Matt Mazur 的《A Step by Step Backpropagation Example》：2-2-2 sigmoid 网络，损失为误差平方和的一半，学习率 0.5。他文中的每个数都出现在步骤里（这里偏置也会更新）。",
            ),
            problem: mazur_problem(false),
            dataset: None,
            images: None,
            init: Init::Xavier,
            seed: 1,
            batch_size: 1,
        }),
        "mazur-frozen-bias" => Entry::given(Preset {
            name: "mazur-frozen-bias",
            title: b("Mazur's example, biases frozen", "Mazur 示例（偏置冻结）"),
            description: about(
                "Mazur's own variant: the biases are not updated. Standard backprop then gives a total error of 0.291027774 after one step. His page prints 0.291027924, because he computed the hidden deltas with the already-updated output weights; the hidden deltas must use the weights from before the update, as here.",
                "Mazur 原文的做法：偏置不更新。标准反向传播在一步之后的总误差为 0.291027774。他的页面写的是 0.291027924，因为他用已经更新过的输出层权重计算隐藏层的 δ；正确做法是用更新前的权重，如本例所示。",
            ),
            problem: mazur_problem(true),
            dataset: None,
            images: None,
            init: Init::Xavier,
            seed: 1,
            batch_size: 1,
        }),
        "xor" => drawn(
            "xor",
            b("XOR", "异或（XOR）"),
            about(
                "The four points of XOR, which no single-layer network can separate: a 2-3-1 tanh/sigmoid network learns it.",
                "异或的四个点，任何单层网络都无法将其分开：2-3-1 的 tanh/sigmoid 网络可以学会。",
            ),
            &[2, 3, 1],
            &[Tanh, Sigmoid],
            Loss::HalfSse,
            Init::Xavier,
            3,
            0.5,
            spec(Kind::XorTable, 4, 0.0, 0.0),
            1.0,
        ),
        "relu-regression" => drawn(
            "relu-regression",
            b("ReLU regression: sin(x)", "ReLU 回归：sin(x)"),
            about(
                "A 1-8-1 ReLU network fits y = sin(x) on [−3, 3] with the mean squared error: the fit is a sum of hinges.",
                "1-8-1 的 ReLU 网络用均方误差拟合 [−3, 3] 上的 y = sin(x)：拟合曲线是若干折线段之和。",
            ),
            &[1, 8, 1],
            &[Relu, Linear],
            Loss::Mse,
            Init::He,
            2,
            0.01,
            spec(Kind::Sine, 60, 0.1, 0.2),
            1.0,
        ),
        "softmax-3class" => Entry::given(Preset {
            name: "softmax-3class",
            title: b("Softmax with cross-entropy, 3 classes", "Softmax 与交叉熵，三分类"),
            description: about(
                "A 3-4-3 tanh/softmax network with the cross-entropy loss and a one-hot target: the output delta is simply y − t.",
                "3-4-3 的 tanh/softmax 网络，交叉熵损失，独热目标：输出层的 δ 就是 y − t。",
            ),
            problem: Problem {
                net: MlpSpec {
                    layers: vec![
                        layer(
                            Tanh,
                            &[&[0.2, -0.3, 0.4], &[-0.5, 0.1, 0.2], &[0.3, 0.3, -0.2], &[0.1, -0.4, 0.5]],
                            &[0.1, -0.1, 0.05, 0.0],
                        ),
                        layer(
                            Softmax,
                            &[&[0.3, -0.2, 0.5, 0.1], &[-0.4, 0.6, 0.1, -0.3], &[0.2, 0.1, -0.5, 0.4]],
                            &[0.0, 0.1, -0.1],
                        ),
                    ],
                    loss: Loss::CrossEntropy,
                }.into_net(),
                input: vec![1.0, 0.5, -1.0],
                target: vec![0.0, 1.0, 0.0],
                learning_rate: 0.5,
                weight_decay: 0.0,
                freeze_biases: false,
            },
            dataset: None,
            images: None,
            init: Init::Xavier,
            seed: 1,
            batch_size: 1,
        }),
        "vanishing" => drawn(
            "vanishing",
            b("Vanishing gradients: deep sigmoid", "梯度消失：深层 sigmoid 网络"),
            about(
                "Seven sigmoid layers: each layer multiplies δ by σ′(z) ≤ 0.25, so the first layer's gradients are hundreds of times smaller than the last's and it barely learns. Compare with vanishing-relu.",
                "七层 sigmoid：每一层都把 δ 乘以 σ′(z) ≤ 0.25，所以第一层的梯度比最后一层小数百倍，几乎学不动。可与 vanishing-relu 对比。",
            ),
            &[2, 6, 6, 6, 6, 6, 6, 1],
            &[Sigmoid; 7],
            Loss::HalfSse,
            Init::Xavier,
            5,
            0.5,
            spec(Kind::Circle, 200, 0.1, 0.2),
            1.0,
        ),
        "vanishing-relu" => drawn(
            "vanishing-relu",
            b("Same depth with ReLU", "同样深度的 ReLU 网络"),
            about(
                "The network of the vanishing preset with ReLU hidden layers and He initialisation: relu′(z) = 1 for active units, so the gradients reach the first layer at full size.",
                "与 vanishing 预设相同的结构，但隐藏层换成 ReLU 并使用 He 初始化：活跃单元的 relu′(z) = 1，梯度可以完整地传到第一层。",
            ),
            &[2, 6, 6, 6, 6, 6, 6, 1],
            &[Relu, Relu, Relu, Relu, Relu, Relu, Sigmoid],
            Loss::HalfSse,
            Init::He,
            5,
            0.05,
            spec(Kind::Circle, 200, 0.1, 0.2),
            1.0,
        ),
        "exploding" => drawn(
            "exploding",
            b("Exploding gradients: large weights", "梯度爆炸：过大的初始权重"),
            about(
                "Five linear layers with weights 4 times too large: each layer multiplies δ by the weights, so the first layer's gradients are huge and training diverges at once.",
                "五层线性网络，初始权重放大了 4 倍：每一层都把 δ 乘以权重，第一层的梯度极大，训练立刻发散。",
            ),
            &[1, 6, 6, 6, 6, 1],
            &[Linear; 5],
            Loss::Mse,
            Init::Xavier,
            7,
            0.05,
            spec(Kind::Sine, 60, 0.1, 0.2),
            4.0,
        ),
        "dead-relu" => {
            let mut e = drawn(
                "dead-relu",
                b("Dead ReLU units", "死亡 ReLU 单元"),
                about(
                    "Two hidden ReLU units start with large negative biases: z < 0 for every input, so relu′(z) = 0, their δ is always 0 and they never learn.",
                    "两个隐藏 ReLU 单元的偏置是很大的负数：对任何输入 z < 0，于是 relu′(z) = 0，它们的 δ 恒为 0，永远学不到东西。",
                ),
                &[2, 5, 1],
                &[Relu, Sigmoid],
                Loss::HalfSse,
                Init::He,
                4,
                0.3,
                spec(Kind::Gaussians, 100, 0.2, 0.2),
                1.0,
            );
            if let Make::Drawn(d) = &mut e.make {
                d.first_biases = &[(1, -15.0), (3, -15.0)];
            }
            e
        }
        "data-circle" => tfp(
            "data-circle",
            b("Circle (TensorFlow Playground)", "圆形（TensorFlow Playground）"),
            about(
                "TensorFlow Playground's circle and its default network: inputs x₁ and x₂, hidden layers of 4 and 2 tanh units, a tanh output trained on ±1, learning rate 0.03, batches of 10, half the points held out for testing. The hidden layers bend the boundary into a closed curve. Try the features x₁² and x₂² instead: in them the circle is a straight line.",
                "TensorFlow Playground 的圆形数据集与它的默认网络：输入 x₁ 和 x₂，隐藏层为 4 个和 2 个 tanh 单元，tanh 输出以 ±1 为目标，学习率 0.03，每批 10 个样本，一半的点留作测试。隐藏层把决策边界弯成一条闭合曲线。试试换成 x₁² 和 x₂² 两个特征：在它们之中，圆就是一条直线。",
            ),
            Kind::Circle,
            0.0,
            &[X1, X2],
            &[4, 2],
            Tanh,
            Loss::HalfSse,
            0.03,
            Init::Xavier,
        ),
        "data-xor" => tfp(
            "data-xor",
            b("XOR (TensorFlow Playground)", "异或（TensorFlow Playground）"),
            about(
                "Points over the four quadrants, the class given by the sign of x₁·x₂. No straight line separates them: on the inputs x₁ and x₂ the network needs hidden layers (here 4 and 4 tanh units). Switch on the feature x₁x₂ and remove the hidden layers: a single output unit then learns it at once.",
                "分布在四个象限的点，类别由 x₁·x₂ 的符号决定。没有一条直线能把它们分开：以 x₁、x₂ 为输入时，网络需要隐藏层（这里是 4 个和 4 个 tanh 单元）。打开特征 x₁x₂ 并去掉隐藏层：单个输出单元立刻就能学会。",
            ),
            Kind::Xor,
            0.0,
            &[X1, X2],
            &[4, 4],
            Tanh,
            Loss::HalfSse,
            0.03,
            Init::Xavier,
        ),
        "data-gaussians" => tfp(
            "data-gaussians",
            b("Two Gaussians (TensorFlow Playground)", "两个高斯团（TensorFlow Playground）"),
            about(
                "Two Gaussian blobs with 10 % noise: a straight line separates them, so the network is right on almost every point within a thousand examples (even with no hidden layer). A few points of one blob lie inside the other: no straight line gets them right, so the test accuracy can stop short of 100 %.",
                "两个带 10% 噪声的高斯团：一条直线就能把它们分开，所以网络在一千个样本之内就几乎对每个点都判对（即使没有隐藏层）。少数点落在另一团之中：没有直线能把它们判对，所以测试准确率可能到不了 100%。",
            ),
            Kind::Gaussians,
            0.1,
            &[X1, X2],
            &[4, 2],
            Tanh,
            Loss::HalfSse,
            0.03,
            Init::Xavier,
        ),
        "data-spiral" | "spiral" => tfp(
            "data-spiral",
            b("Two spirals (TensorFlow Playground)", "双螺旋（TensorFlow Playground）"),
            about(
                "Two interleaved spiral arms. On the raw inputs x₁ and x₂ a network needs depth: three tanh layers of 12 units pass 90 % test accuracy after about 100 000 examples, while the 4-2 network never does. Switch on sin x₁ and sin x₂ and a single hidden layer of 8 units gets there in about 20 000.",
                "两条交错的螺旋臂。以原始输入 x₁、x₂ 训练时，网络需要深度：三层各 12 个 tanh 单元，大约 100 000 个样本后测试准确率超过 90%，而 4-2 的网络始终达不到。打开 sin x₁ 和 sin x₂ 两个特征，只用一层 8 个单元的隐藏层，大约 20 000 个样本就能做到。",
            ),
            Kind::Spiral,
            0.0,
            &[X1, X2],
            &[12, 12, 12],
            Tanh,
            Loss::HalfSse,
            0.03,
            Init::Xavier,
        ),
        "data-plane" => tfp(
            "data-plane",
            b("Plane: regression (TensorFlow Playground)", "平面：回归（TensorFlow Playground）"),
            about(
                "Regression on y = (x₁ + x₂)/10: a linear output and the mean squared error. Beside the loss the page shows R² = 1 − (test loss)/(loss of always predicting the mean), the share of the targets' variance the network explains. A network with no hidden layer fits this plane exactly.",
                "对 y = (x₁ + x₂)/10 做回归：线性输出，均方误差。页面在损失旁显示 R² = 1 −（测试损失）/（总是预测平均值时的损失），即网络解释了目标方差的多少。没有隐藏层的网络也能精确拟合这个平面。",
            ),
            Kind::Plane,
            0.0,
            &[X1, X2],
            &[4, 2],
            Linear,
            Loss::Mse,
            0.03,
            Init::Uniform,
        ),
        "data-gaussian-sum" => tfp(
            "data-gaussian-sum",
            b("Sum of Gaussians: regression (TensorFlow Playground)", "高斯之和：回归（TensorFlow Playground）"),
            about(
                "Regression on six bumps of alternating sign. On x₁ and x₂ alone this network explains about three quarters of the variance after 60 000 examples; with the features sin x₁ and sin x₂ added (as here) it passes R² = 0.95 after about 30 000. Learning rate 0.05 with the mean squared error (TensorFlow Playground's 0.1 on half the squared error).",
                "对六个正负交替的凸起做回归。只用 x₁ 和 x₂ 时，这个网络训练 60 000 个样本后大约只能解释四分之三的方差；加上 sin x₁ 和 sin x₂ 两个特征（如这里）后，大约 30 000 个样本 R² 就超过 0.95。学习率 0.05，均方误差（相当于 TensorFlow Playground 在一半平方误差上的 0.1）。",
            ),
            Kind::GaussianSum,
            0.0,
            &[X1, X2, SinX1, SinX2],
            &[16, 16, 16],
            Linear,
            Loss::Mse,
            0.05,
            Init::Uniform,
        ),
        _ => {
            return Err(crate::vocab::unknown(
                crate::vocab::Vocab::Preset,
                name,
                NAMES.to_vec(),
            ))
        }
    };
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid() {
        for name in NAMES {
            let p = get(name).unwrap();
            assert_eq!(p.name, name);
            p.problem
                .validate()
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        assert!(get("nope").unwrap_err().to_string().contains("mazur"));
        assert!(cnn::NAMES.iter().all(|n| NAMES.contains(n)));
        assert_eq!(get("spiral").unwrap().name, "data-spiral");
    }
}
