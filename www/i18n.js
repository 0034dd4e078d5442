// Interface strings in English and 简体中文. Step texts come from the Rust core in
// both languages; this file holds only the page's own words.

const STRINGS = {
  en: {
    title: 'Backprop Lab',
    subtitle: 'step through backpropagation, every number shown',
    preset: 'Example',
    granularity: 'Steps',
    'granularity.layer': 'per layer',
    'granularity.neuron': 'per neuron',
    language: 'Language',
    'panel.network': 'Network',
    'panel.graph': 'Computation graph',
    'panel.curves': 'Activation curves',
    'panel.step': 'This step',
    'panel.timeline': 'Steps of this pass',
    'panel.values': 'Values',
    'panel.chain': 'Chain rule of the selected weight',
    'panel.edit': 'Example and settings',
    'btn.start': 'Start of the pass (Home)',
    'btn.prev': 'Previous step (←)',
    'btn.next': 'Next step (→)',
    'btn.end': 'End of the pass (End)',
    'btn.play': 'Play',
    'btn.pause': 'Pause',
    'btn.reload': 'Reload the page',
    'btn.dismiss': 'Dismiss',
    'step.of': 'step {i} of {n}',
    'phase.start': 'start',
    'phase.forward': 'forward',
    'phase.loss': 'loss',
    'phase.backward': 'backward',
    'phase.update': 'update',
    'symbols': 'In symbols',
    'numbers': 'With the numbers',
    'values.layer': 'Layer {l} · {act}',
    'values.input': 'Input x and target t',
    'values.unit': 'unit',
    'values.before': 'before the update',
    'values.after': 'after the update',
    'values.notyet': 'not reached yet',
    'edit.lr': 'Learning rate η',
    'edit.activation': 'Activation of layer {l}',
    'edit.input': 'x{j}',
    'edit.target': 't{i}',
    'chain.none': 'Click a weight (an edge) or a unit in the network view to see the chain rule of its gradient.',
    'chain.numeric': 'Finite differences',
    'chain.backprop': 'Backprop',
    'chain.notyet': 'This gradient is computed later in the pass; step on to the backward pass to reveal it.',
    'chain.paths': 'Paths through the layer above',
    'chain.weight': 'Weight',
    'chain.bias': 'Bias',
    'chain.relerr': 'relative difference',
    'gradcheck.title': 'Gradient check: backprop against central finite differences',
    'gradcheck.max': 'largest relative difference {e}',
    'error.number': '{what}: "{v}" is not a number',
    'error.title': 'Something went wrong',
    'error.panic': 'The lab stopped because of an internal error. Your last state is kept in the link; reload to go on.',
    'error.load': 'Could not load: {msg}',
    'loading': 'Loading…',
    'selected.neuron': 'Unit {i} of layer {l}',
    'selected.input': 'Input x{i}',
    'noscript': 'Backprop Lab needs JavaScript and WebAssembly.',
    'keys': 'Keys: → / Space / PageDown next · ← / PageUp previous · Home start · End end',
  },
  zh: {
    title: '反向传播实验室',
    subtitle: '逐步观察反向传播，每个数都看得见',
    preset: '示例',
    granularity: '步骤',
    'granularity.layer': '按层',
    'granularity.neuron': '按神经元',
    language: '语言',
    'panel.network': '网络',
    'panel.graph': '计算图',
    'panel.curves': '激活函数曲线',
    'panel.step': '当前步骤',
    'panel.timeline': '本次传播的步骤',
    'panel.values': '数值',
    'panel.chain': '所选权重的链式法则',
    'panel.edit': '样本与设置',
    'btn.start': '回到开头（Home）',
    'btn.prev': '上一步（←）',
    'btn.next': '下一步（→）',
    'btn.end': '跳到结尾（End）',
    'btn.play': '播放',
    'btn.pause': '暂停',
    'btn.reload': '重新加载页面',
    'btn.dismiss': '关闭',
    'step.of': '第 {i} 步，共 {n} 步',
    'phase.start': '开始',
    'phase.forward': '前向',
    'phase.loss': '损失',
    'phase.backward': '反向',
    'phase.update': '更新',
    'symbols': '符号形式',
    'numbers': '代入数值',
    'values.layer': '第 {l} 层 · {act}',
    'values.input': '输入 x 与目标 t',
    'values.unit': '神经元',
    'values.before': '更新前',
    'values.after': '更新后',
    'values.notyet': '尚未计算',
    'edit.lr': '学习率 η',
    'edit.activation': '第 {l} 层激活函数',
    'edit.input': 'x{j}',
    'edit.target': 't{i}',
    'chain.none': '在网络图中点击一条连线（权重）或一个神经元，查看其梯度的链式法则。',
    'chain.numeric': '有限差分',
    'chain.backprop': '反向传播',
    'chain.notyet': '这个梯度要在后面的步骤才计算；继续前进到反向传播即可看到。',
    'chain.paths': '经过上一层的各条路径',
    'chain.weight': '权重',
    'chain.bias': '偏置',
    'chain.relerr': '相对差',
    'gradcheck.title': '梯度检验：反向传播与中心有限差分对比',
    'gradcheck.max': '最大相对差 {e}',
    'error.number': '{what}：“{v}” 不是数字',
    'error.title': '出错了',
    'error.panic': '实验室因内部错误停止。最后的状态保存在链接中；重新加载即可继续。',
    'error.load': '无法载入：{msg}',
    'loading': '加载中…',
    'selected.neuron': '第 {l} 层第 {i} 个神经元',
    'selected.input': '输入 x{i}',
    'noscript': '反向传播实验室需要 JavaScript 与 WebAssembly。',
    'keys': '按键：→ / 空格 / PageDown 下一步 · ← / PageUp 上一步 · Home 开头 · End 结尾',
  },
};

let lang = 'en';

/** Sets the interface language ('en' or 'zh'). */
export function setLang(l) {
  lang = l === 'zh' ? 'zh' : 'en';
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

/** The current interface language. */
export function getLang() {
  return lang;
}

/** A string in the current language, with {name} placeholders filled from vars. */
export function t(key, vars = {}) {
  const s = STRINGS[lang][key] ?? STRINGS.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? String(vars[k]) : `{${k}}`));
}

/** Fills every element with data-i18n (text) or data-i18n-title / -label (attributes). */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}

export const LANGS = Object.keys(STRINGS);
export { STRINGS };
