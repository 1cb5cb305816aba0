import type { Locale } from "../../core/turn.ts";
import type { Tone } from "./types.ts";

/**
 * The templated copy's phrases, per language and tone. Placeholders: {title} {brand} {category}
 * {color} {sizes} {tags} {price} {stock} {interest} {segment}; a phrase is used only when every
 * placeholder in it has a value. They state no fact of their own — no discount, deadline, quality
 * or shipping promise — so the product's record is all the copy asserts.
 */
export interface Phrases {
  hook: Record<Tone, string[]>;
  /** Shopper or segment whose interests include the product's category (or brand). */
  audienceCategory: string[];
  audienceBrand: string[];
  audienceShopper: string[];
  audienceSegment: string[];
  category: string[];
  color: string[];
  sizes: string[];
  tags: string[];
  brand: string[];
  price: string[];
  /** {stock} is the catalogue stock phrase ("3 in stock"). */
  stockLow: string[];
  stockOk: string[];
  cta: Record<Tone, string[]>;
  subject: Record<Tone, string[]>;
  pushTitle: Record<Tone, string[]>;
  headline: Record<Tone, string[]>;
  /** Joins a headline and a fact for long banners. */
  headlineFact: string[];
  separator: string;
}

const en: Phrases = {
  hook: {
    friendly: [
      "Meet the {title}.",
      "Say hello to the {title}.",
      "We think you'll like the {title}.",
      "Here's one worth a look: the {title}.",
      "Have you seen the {title}?",
      "The {title} from {brand} might be just what you're after.",
    ],
    premium: [
      "Introducing the {title}.",
      "The {title}, by {brand}.",
      "Discover the {title}.",
      "For those who choose carefully: the {title}.",
      "Presenting the {title} from {brand}.",
      "An elegant choice: the {title}.",
    ],
    playful: [
      "Psst… the {title} wants to meet you.",
      "Plot twist: your next favourite is the {title}.",
      "Warning: the {title} may cause happy dances.",
      "Ta-da! It's the {title}.",
      "Your {category} game just levelled up: the {title}.",
      "Knock knock. Who's there? The {title}!",
    ],
    urgent: [
      "Don't wait on the {title}.",
      "The {title} is ready when you are — why wait?",
      "Act now: the {title} is one click away.",
      "Time to treat yourself to the {title}.",
      "Make your move on the {title}.",
      "Stop scrolling: the {title} is right here.",
    ],
  },
  audienceCategory: ["Picked for you, as someone who loves {interest}.", "Since you like {interest}, this one's for you.", "Because you're into {interest}, we thought of you."],
  audienceBrand: ["A {brand} pick for a {brand} fan like you.", "You like {brand} — so here's more {brand}."],
  audienceShopper: ["Picked with you in mind.", "Chosen just for you."],
  audienceSegment: ["For our {segment} shoppers.", "Chosen for the {segment} crowd."],
  category: ["A {category} pick from {brand}.", "One for your {category} shortlist.", "It belongs in any {category} line-up."],
  color: ["It comes in {color}.", "Shown here in {color}.", "This one's in {color}."],
  sizes: ["Available in sizes {sizes}.", "Sizes: {sizes}.", "Pick your size: {sizes}."],
  tags: ["Ideal if you're into {tags}.", "Think {tags}."],
  brand: ["By {brand}.", "From the team at {brand}."],
  price: ["Yours for {price}.", "It's {price}.", "Priced at {price}.", "All for {price}."],
  stockLow: ["Only {stock} — don't miss it.", "Just {stock}."],
  stockOk: ["In stock now.", "It's in stock."],
  cta: {
    friendly: ["Take a look.", "Have a look today.", "Come and see it.", "Find yours in the shop."],
    premium: ["Discover it now.", "Explore the {title}.", "See it in detail."],
    playful: ["Go on, take a peek!", "Click, smile, repeat.", "Your cart is waiting!"],
    urgent: ["Shop now.", "Get yours now.", "Order today.", "Don't miss out — shop now."],
  },
  subject: {
    friendly: ["Something you'll like: {title}", "Have you met the {title}?", "A little something for you", "{title}, picked for you"],
    premium: ["Introducing the {title}", "{brand}: the {title}", "Discover the {title}", "The {title}, presented"],
    playful: ["Guess what's waiting for you 👀", "Psst… {title}!", "Your new favourite? 😉", "Ta-da: the {title}"],
    urgent: ["Don't miss the {title}", "Get the {title} now", "Your {title} is waiting", "Act now: {title}"],
  },
  pushTitle: {
    friendly: ["For you: {title}", "Just for you", "Take a look 👋", "Meet the {title}"],
    premium: ["{brand}", "Introducing {title}", "Discover {title}", "The {title}"],
    playful: ["Psst! 👀", "Ooh, {title}!", "Guess what? 🎉", "Ta-da!"],
    urgent: ["Don't miss it", "Act now", "{title} awaits", "Get it now"],
  },
  headline: {
    friendly: ["Meet the {title}", "Say hello to the {title}", "{title}, picked for you", "Have you seen the {title}?", "Look: the {title}", "Hello, {title}", "Your {title} is here"],
    premium: ["The {title}", "{brand}. {title}.", "Discover the {title}", "Introducing the {title}", "Presenting the {title}", "The {title}, by {brand}", "Simply the {title}"],
    playful: ["Hello, {title}! 👋", "Your next favourite: {title}", "Psst… {title}", "Ta-da! {title}", "Ooh, the {title}!", "Guess who? The {title} 🎉", "Hi there, {title} 😉"],
    urgent: ["Get the {title} now", "Don't miss the {title}", "{title} — shop now", "Act now: {title}", "Grab the {title}", "Go get the {title}", "The {title}: order today"],
  },
  headlineFact: [" · {price}", " — {price}", " by {brand}", " · {color}"],
  separator: " ",
};

const zh: Phrases = {
  hook: {
    friendly: ["来认识一下{title}吧。", "你可能会喜欢这款{title}。", "给你推荐：{title}。", "看看这款{title}吧。", "{brand}的{title}，也许正合你意。"],
    premium: ["隆重介绍：{title}。", "{brand}出品：{title}。", "发现{title}。", "为懂得挑选的你：{title}。", "品味之选：{title}。"],
    playful: ["嘿，{title}在向你招手！", "猜猜谁来了？{title}！", "叮！你的新宠{title}来啦。", "小心，{title}可能让你爱不释手～", "{category}控看过来：{title}！"],
    urgent: ["别再犹豫，{title}等你带回家。", "心动不如行动：{title}。", "现在就入手{title}吧。", "就是现在：{title}。", "喜欢就别错过{title}。"],
  },
  audienceCategory: ["知道你喜欢{interest}，特别为你挑选。", "喜欢{interest}的你，一定要看看。", "根据你对{interest}的喜好推荐。"],
  audienceBrand: ["{brand}的粉丝，这款为你准备。", "你喜欢{brand}，这款也是{brand}。"],
  audienceShopper: ["为你精选。", "专门为你挑的。"],
  audienceSegment: ["献给我们的{segment}顾客。", "为{segment}的你准备。"],
  category: ["{brand}的{category}好物。", "{category}清单里值得加上一件。", "属于{category}系列。"],
  color: ["颜色：{color}。", "这款是{color}。", "{color}配色。"],
  sizes: ["尺码：{sizes}。", "有{sizes}码可选。"],
  tags: ["适合喜欢{tags}的你。", "关键词：{tags}。"],
  brand: ["{brand}出品。", "来自{brand}。"],
  price: ["售价{price}。", "只需{price}。", "价格：{price}。"],
  stockLow: ["目前{stock}，先到先得。", "现在{stock}。"],
  stockOk: ["现货有售。", "目前有货。"],
  cta: {
    friendly: ["快来看看吧。", "点开看看～", "到店里逛逛吧。"],
    premium: ["即刻探索。", "立即了解详情。", "现在发现它。"],
    playful: ["冲呀！", "点一下，快乐加倍～", "购物车在等你哦！"],
    urgent: ["立即购买。", "马上下单。", "现在就入手。"],
  },
  subject: {
    friendly: ["你可能会喜欢：{title}", "给你的小推荐", "{title}，为你挑选", "来认识一下{title}"],
    premium: ["隆重介绍{title}", "{brand}：{title}", "发现{title}", "品味之选：{title}"],
    playful: ["猜猜什么在等你 👀", "叮！{title}来啦", "你的新宠？😉", "嘿，{title}！"],
    urgent: ["别错过{title}", "现在入手{title}", "{title}在等你", "心动就行动：{title}"],
  },
  pushTitle: {
    friendly: ["为你推荐", "给你看看 👋", "{title}", "你可能喜欢"],
    premium: ["{brand}", "隆重介绍", "发现{title}", "品味之选"],
    playful: ["嘿！👀", "叮～🎉", "猜猜是啥？", "新宠来啦"],
    urgent: ["别错过", "立即行动", "马上入手", "就是现在"],
  },
  headline: {
    friendly: ["来认识{title}", "为你挑选：{title}", "看看{title}", "你会喜欢的{title}", "你好，{title}", "推荐：{title}", "遇见{title}"],
    premium: ["{title}", "{brand}·{title}", "发现{title}", "隆重介绍{title}", "品味之选：{title}", "{brand}出品：{title}", "臻选{title}"],
    playful: ["嘿，{title}！👋", "新宠：{title}", "叮！{title}", "{title}来啦", "哇，{title}！", "猜猜是谁？{title} 🎉", "{title}向你招手～"],
    urgent: ["立即入手{title}", "别错过{title}", "{title}，马上下单", "就是现在：{title}", "快把{title}带回家", "心动就行动：{title}", "马上拥有{title}"],
  },
  headlineFact: ["·{price}", "｜{price}", "·{brand}", "·{color}"],
  separator: "",
};

export function phrasesFor(locale: Locale): Phrases {
  return locale === "zh" ? zh : en;
}
