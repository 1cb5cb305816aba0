import type { Locale } from "../../core/turn.ts";

/**
 * What the action flows say themselves (the shop's own answers come from its webhook). Kept apart
 * from templates.ts so the replies-file work can take them over without a merge in the middle of
 * either; every sentence is true whatever the shop's system did: nothing here states a status.
 */
const en = {
  askAll: "I can check that with the shop. What's the order number, and the e-mail address or postcode the order was placed with?",
  askProof: (order: string) => `Thanks. To make sure order ${order} is yours, what's the e-mail address or postcode it was placed with?`,
  askOrder: "Thanks. What's the order number? You'll find it in your order confirmation.",
  orderUnavailable: (order?: string) =>
    `Sorry, I can't reach the shop's order system right now, so I can't check ${order ? `order ${order}` : "your order"}. Please try again in a few minutes, or I can pass you to a colleague.`,
  returnUnavailable: (order?: string) =>
    `Sorry, I can't reach the shop's returns system right now, so I can't start a return for ${order ? `order ${order}` : "your order"}. Please try again in a few minutes, or I can pass you to a colleague.`,
  stockUnavailable: "Sorry, I can't reach the shop's stock system right now, so I can't tell you what that store has. Please try again in a few minutes.",
  handoffSent: (ref: string) =>
    `I've passed our conversation to the shop's team (with personal details removed), reference ${ref}. A colleague will pick it up during opening hours; if you contact the shop, quote ${ref} so they can find it.`,
  handoffFailed: "Sorry, I couldn't reach a colleague just now. Please try again in a few minutes, or contact the shop directly.",
  cardReason: "From the shop's answer",
};

const zh: typeof en = {
  askAll: "我可以向商店查询。请告诉我订单号，以及下单时用的电子邮箱或邮编。",
  askProof: (order) => `谢谢。为确认订单 ${order} 是你的，请告诉我下单时用的电子邮箱或邮编。`,
  askOrder: "谢谢。请告诉我订单号，它在你的订单确认邮件里。",
  orderUnavailable: (order) => `抱歉，暂时无法连接商店的订单系统，所以没法查询${order ? `订单 ${order}` : "你的订单"}。请几分钟后再试，或者我帮你转接人工客服。`,
  returnUnavailable: (order) => `抱歉，暂时无法连接商店的退货系统，所以没法为${order ? `订单 ${order}` : "你的订单"}办理退货。请几分钟后再试，或者我帮你转接人工客服。`,
  stockUnavailable: "抱歉，暂时无法连接商店的库存系统，所以没法告诉你该门店的库存。请几分钟后再试。",
  handoffSent: (ref) => `我已把我们的对话转给商店的同事（已去除个人信息），参考号 ${ref}。同事会在营业时间内处理；联系商店时请报上参考号 ${ref}。`,
  handoffFailed: "抱歉，暂时联系不上同事。请几分钟后再试，或直接联系商店。",
  cardReason: "来自商店的回复",
};

export function actionReplies(locale: Locale): typeof en {
  return locale === "zh" ? zh : en;
}
