import type { Locale } from "../core/turn.ts";

/**
 * Every sentence the templated tier says, in each language it speaks. The LLM tier (later) writes
 * free text but falls back to these, so the service always answers.
 */
type Vars = Record<string, string | number>;
type Template = string | ((v: Vars) => string);

const en = {
  greetNew: "Hi! I'm your shop assistant. To get you good picks, tell me what you like — for example running, skincare, headphones or cooking.",
  greetBack: "Welcome back! Here are a few picks for you.",
  preferencesSaved: (v: Vars) => `Thanks — I'll keep ${v.likes} in mind. Here are some picks to start with.`,
  goodbye: "Goodbye, and thanks for stopping by!",
  thanks: "You're welcome! Anything else I can find for you?",
  capabilities:
    "I can search the catalogue (\"running shoes under 100\"), recommend things for you, tell you about a product, compare two products, add to your cart, and answer questions about shipping, returns, payment and opening hours. You can also ask me to export or delete your data.",
  searchResults: (v: Vars) =>
    `Here ${Number(v.count) === 1 ? `is 1 ${v.adj ? `${v.adj} ` : ""}match` : `are ${v.count} ${v.adj ? `${v.adj} ` : ""}matches`}${v.what ? ` for ${v.what}` : ""}${v.filters ? ` (${v.filters})` : ""}.`,
  refinedNone: (v: Vars) => `I couldn't find anything ${v.adj || "else"}${v.what ? ` for ${v.what}` : ""}${v.filters ? ` (${v.filters})` : ""}. These are still the closest matches.`,
  cheapestInstead: (v: Vars) => `I couldn't find anything${v.what ? ` for ${v.what}` : ""}${v.filters ? ` (${v.filters})` : ""}. Here are the lowest-priced ones I have.`,
  budgetInstead: (v: Vars) => `I couldn't find ${v.what || "that"}${v.filters ? ` (${v.filters})` : ""}. Here are other ${v.kind || "products"} within your budget.`,
  notCarried: (v: Vars) => `Sorry, we don't carry ${v.what}.`,
  notCarriedAlternatives: (v: Vars) => `Sorry, we don't carry ${v.what}. Here are some related products you might like instead.`,
  needResults: (v: Vars) => `Here are ${v.count} ideas for ${v.whom || "someone"}${v.what ? ` who ${v.whom ? "like" : "likes"} ${v.what}` : ""}${v.filters ? ` (${v.filters})` : ""}.`,
  needPopular: (v: Vars) => `Here are some popular ideas for ${v.whom || "a gift"}${v.filters ? ` (${v.filters})` : ""}.`,
  sorryFirst: "I'm sorry to hear you're unhappy, and I'd like to put it right.",
  searchNone: (v: Vars) => `I couldn't find anything${v.what ? ` for ${v.what}` : ""}${v.filters ? ` (${v.filters})` : ""}. Try a wider price range or another word?`,
  recommendations: "Here are some picks for you.",
  recommendationsCold: "Here are some of our most popular products right now.",
  whichProduct: "Which product do you mean? Tell me its name, or search first and say \"the first one\".",
  whichTwo: "Which two products should I compare? Name them, or search first and say \"compare the first two\".",
  notInCatalogue: (v: Vars) => `Sorry, we don't carry ${v.what}.`,
  priceOf: (v: Vars) => `${v.title} costs ${v.price}.`,
  noPrice: (v: Vars) => `${v.title} has no listed price at the moment.`,
  inStock: (v: Vars) => `${v.title} is in stock (${v.stock} left).`,
  outOfStock: (v: Vars) => `${v.title} is out of stock right now.`,
  stockUnknown: (v: Vars) => `I don't have stock information for ${v.title}.`,
  sizesAvailable: (v: Vars) => `Sizes: ${v.sizes}.`,
  colour: (v: Vars) => `Colour: ${v.color}.`,
  addedToCart: (v: Vars) => `Added ${v.title} to your cart.`,
  cannotAddOutOfStock: (v: Vars) => `${v.title} is out of stock, so I can't add it to your cart.`,
  orderStatus: "I can't see orders from this chat yet. You'll find every order's status under My account → Orders, or I can hand you to a colleague who can check it.",
  kbUnknown: "I couldn't find that in our shop's information, and I'd rather not guess. Would you like me to bring in a colleague who can answer it?",
  complaint: "I'm sorry about that. Would you like me to bring in a colleague who can sort it out?",
  complaintRefund: "I'm sorry about that. I can bring in a colleague who can sort out your refund.",
  sorryAbout: "I'm sorry about that.",
  offerColleague: "Or I can bring in a colleague who can sort it out.",
  feedbackPositive: "Thank you, that's great to hear!",
  feedbackNegative: "Thank you for telling us — I'm sorry it wasn't better. I've passed it on. Would you like to talk to a colleague?",
  feedbackNeutral: "Thanks for your feedback, I've passed it on.",
  // Said only when the shop connected no hand-off (CONCIERGE_ACTIONS_URL, CONCIERGE_HANDOFF_URL): nobody is told, so it must not promise anyone.
  handoff: "I can't bring a colleague into this chat, but the shop's team can help you directly (Monday to Friday, 9:00–18:00) through the contact details on our website. I'm happy to keep helping here meanwhile.",
  exportReady: (v: Vars) =>
    `Your data is ready to download: ${v.url}\nThe link works once, for the next ${v.minutes} minutes. It holds everything we keep about you: your events, messages, profile and preferences.`,
  exportNotHere: "I can't hand over your data here, as anyone nearby could hear or see it. Ask me \"export my data\" in the chat on our website and you'll get a private download link.",
  deleteConfirm:
    "This permanently deletes everything we keep about you: your history, messages, preferences and profile. Say \"yes\" to delete it, or \"no\" to keep it.",
  deleteCancelled: "All right, I kept your data. Nothing was deleted.",
  deleted: (v: Vars) =>
    `Done. I deleted ${v.events} events, ${v.messages} messages and your profile. We no longer keep anything about you.`,
  stoppedPersonalising: "Done — I'll stop personalising for you. I won't use or update your history, and recommendations will be the same as for everyone.",
  outOfScope: "Sorry, that's outside what I can help with. I can find products, recommend things, compare them, and answer questions about orders, shipping and returns.",
  compareIntro: (v: Vars) => `Comparing ${v.a} and ${v.b}:`,
  compareCheaper: (v: Vars) => `${v.title} is cheaper by ${v.diff}.`,
  compareSamePrice: "They cost the same.",
  details: (v: Vars) => `${v.title}${v.brand ? ` by ${v.brand}` : ""}${v.category ? ` (${v.category})` : ""}.`,
  suggestions: {
    start: ["Recommend something for me", "Running shoes under 100", "What can you do?"],
    afterResults: ["Tell me more about the first one", "Compare the first two", "Add the first one to my cart"],
    afterDetails: ["Add it to my cart", "Show me similar products", "Recommend something for me"],
    handoff: ["Talk to a human", "Recommend something for me"],
    afterKnowledge: ["Talk to a human", "What can you do?"],
    privacy: ["Export my data", "Recommend something for me"],
    confirmDelete: ["Yes, delete my data", "No, keep it"],
  },
} satisfies Record<string, Template | Record<string, string[]>>;

const zh: typeof en = {
  greetNew: "你好！我是你的购物助手。告诉我你喜欢什么，比如跑步、护肤、耳机或烹饪，我来为你挑选。",
  greetBack: "欢迎回来！这是为你挑选的几件商品。",
  preferencesSaved: (v) => `谢谢，我记住了你喜欢${v.likes}。先看看这些推荐吧。`,
  goodbye: "再见，欢迎下次光临！",
  thanks: "不客气！还需要我帮你找点什么吗？",
  capabilities:
    "我可以帮你搜索商品（比如“100元以下的跑鞋”）、为你推荐、介绍商品详情、对比两件商品、加入购物车，也能回答配送、退货、支付和营业时间等问题。你还可以让我导出或删除你的数据。",
  searchResults: (v) => `为你找到 ${v.count} 件${v.adj ?? ""}${v.what ? `“${v.what}”相关的` : ""}商品${v.filters ? `（${v.filters}）` : ""}。`,
  refinedNone: (v) => `没有找到${v.adj || "其他"}${v.what ? `“${v.what}”相关的` : ""}商品${v.filters ? `（${v.filters}）` : ""}，这些仍是最接近的。`,
  cheapestInstead: (v) => `没有找到${v.what ? `“${v.what}”相关的` : ""}商品${v.filters ? `（${v.filters}）` : ""}。这些是价格最低的几件。`,
  budgetInstead: (v) => `没有找到${v.what ? `“${v.what}”相关的` : ""}商品${v.filters ? `（${v.filters}）` : ""}，这些是预算内的其他${v.kind || "商品"}。`,
  notCarried: (v) => `抱歉，我们没有${v.what}。`,
  notCarriedAlternatives: (v) => `抱歉，我们没有${v.what}。你可以看看这些相关商品。`,
  needResults: (v) => `为${v.what ? `喜欢${v.what}的` : ""}${v.whom || "你要送的人"}挑了 ${v.count} 件商品${v.filters ? `（${v.filters}）` : ""}。`,
  needPopular: (v) => `这些是适合${v.whom || "送礼"}的热门商品${v.filters ? `（${v.filters}）` : ""}。`,
  sorryFirst: "非常抱歉让你不满意，我们会尽力解决。",
  searchNone: (v) => `没有找到${v.what ? `“${v.what}”相关的` : ""}商品${v.filters ? `（${v.filters}）` : ""}。换个价格范围或关键词试试？`,
  recommendations: "这是为你挑选的商品。",
  recommendationsCold: "这是目前最受欢迎的商品。",
  whichProduct: "你指的是哪件商品？请告诉我商品名称，或者先搜索，再说“第一个”。",
  whichTwo: "要对比哪两件商品？请说出名称，或者先搜索，再说“对比前两个”。",
  notInCatalogue: (v) => `抱歉，我们没有${v.what}。`,
  priceOf: (v) => `${v.title} 的价格是 ${v.price}。`,
  noPrice: (v) => `${v.title} 目前没有标价。`,
  inStock: (v) => `${v.title} 有货（剩余 ${v.stock} 件）。`,
  outOfStock: (v) => `${v.title} 目前缺货。`,
  stockUnknown: (v) => `暂时没有 ${v.title} 的库存信息。`,
  sizesAvailable: (v) => `尺码：${v.sizes}。`,
  colour: (v) => `颜色：${v.color}。`,
  addedToCart: (v) => `已将 ${v.title} 加入购物车。`,
  cannotAddOutOfStock: (v) => `${v.title} 缺货，暂时无法加入购物车。`,
  orderStatus: "目前无法在聊天中查看订单。你可以在“我的账户 → 订单”中查看每个订单的状态，或者我帮你转接人工客服。",
  kbUnknown: "抱歉，我在本店的资料里没有找到这个问题的答案，不想随便猜测。需要我为你转接人工客服吗？",
  complaint: "非常抱歉给你带来不便。需要我为你转接人工客服处理吗？",
  complaintRefund: "非常抱歉给你带来不便。我可以为你转接人工客服处理退款。",
  sorryAbout: "非常抱歉给你带来不便。",
  offerColleague: "也可以由我为你转接人工客服处理。",
  feedbackPositive: "谢谢你的肯定！",
  feedbackNegative: "谢谢你的反馈，很抱歉没有让你满意。我已经转达给团队。需要转接人工客服吗？",
  feedbackNeutral: "谢谢你的反馈，我已经转达给团队。",
  handoff: "我没办法把同事拉进这个对话，不过你可以通过网站上的联系方式直接联系店里的客服团队（周一至周五 9:00–18:00）。在此期间我也可以继续帮你。",
  exportReady: (v) => `你的数据已可下载：${v.url}\n该链接只能使用一次，${v.minutes} 分钟内有效。其中包含我们保存的关于你的全部数据：行为记录、消息、画像和偏好。`,
  exportNotHere: "在这里无法把数据交给你，因为旁边的人可能会看到或听到。请在网站的聊天窗口里说“导出我的数据”，你会收到一个私人下载链接。",
  deleteConfirm: "这将永久删除我们保存的关于你的全部数据：历史记录、消息、偏好和画像。确认删除请说“是”，保留请说“不”。",
  deleteCancelled: "好的，你的数据已保留，没有删除任何内容。",
  deleted: (v) => `已完成。我删除了 ${v.events} 条行为记录、${v.messages} 条消息以及你的画像。我们不再保存任何关于你的数据。`,
  stoppedPersonalising: "好的，我将停止个性化推荐。不会再使用或更新你的历史记录，推荐内容将与其他人相同。",
  outOfScope: "抱歉，这超出了我能帮忙的范围。我可以帮你找商品、推荐、对比，也能回答订单、配送和退货的问题。",
  compareIntro: (v) => `对比 ${v.a} 和 ${v.b}：`,
  compareCheaper: (v) => `${v.title} 便宜 ${v.diff}。`,
  compareSamePrice: "两者价格相同。",
  details: (v) => `${v.title}${v.brand ? `，品牌：${v.brand}` : ""}${v.category ? `，类别：${v.category}` : ""}。`,
  suggestions: {
    start: ["给我推荐点东西", "100元以下的跑鞋", "你能做什么？"],
    afterResults: ["介绍一下第一个", "对比前两个", "把第一个加入购物车"],
    afterDetails: ["加入购物车", "看看类似的商品", "给我推荐点东西"],
    handoff: ["转人工客服", "给我推荐点东西"],
    afterKnowledge: ["转人工客服", "你能做什么？"],
    privacy: ["导出我的数据", "给我推荐点东西"],
    confirmDelete: ["是，删除我的数据", "不，保留"],
  },
};

export type TemplateKey = Exclude<keyof typeof en, "suggestions">;
export type SuggestionSet = keyof typeof en.suggestions;

const byLocale: Record<Locale, typeof en> = { en, zh };

export function say(locale: Locale, key: TemplateKey, vars: Vars = {}): string {
  const template: Template = byLocale[locale][key];
  return typeof template === "function" ? template(vars) : template;
}

export function suggest(locale: Locale, set: SuggestionSet): string[] {
  return [...byLocale[locale].suggestions[set]];
}
