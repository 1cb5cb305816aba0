import type { Locale } from "../core/turn.ts";
import { OUT_OF_SCOPE, type Understanding } from "../intents/types.ts";
import { onlyAPointer, pointsAtAProduct, readAttributeQuestion, readWhichQuestion } from "./attributes.ts";
import type { Flow, FlowContext, FlowReply } from "./flow.ts";
import { cartQuantity, checkoutHow, quantityInAdd, readCartRequest, removeFromCart, swapInCart, viewCart } from "./flows/cart.ts";
import { beyondTheList, catalogueFlows, pointsBeyondTheList, referencedProducts } from "./flows/catalogue.ts";
import { aboutTheShop, asksAboutPolicy, passageSaysPolicy, complaintRefund, declined, knowledgeReply, lookUp, looksLikeQuestion } from "./flows/knowledge.ts";
import { catalogueCoverage, mendedSpelling } from "./flows/matching.ts";
import { asksAboutRestock, asksForBrands, asksForDeals, asksForReviews, asksToBargain, bestOfShown, brandsAnswer, dealsAnswer, extremeOfShown, measureAnswer, propertyAnswer, restockAnswer, reviewsAnswer, whichOfShown } from "./flows/product-questions.ts";
import { askedExtreme, askedMeasure } from "./magnitude.ts";
import { listThenAsk, readBackTo, readQuestionAfterRequest, searchThenDocuments } from "./compound.ts";
import { asksForSimilar, asksWhatGoesWith, asksWhatsNew, goesWith, similarProducts, whatsNew, withoutSimilarWords } from "./flows/related.ts";
import { narrowsTheList, refineSearch } from "./flows/search.ts";
import { abusesTheAssistant, acknowledged, asksForLanguages, asksToGoBack, asksToChangeOrder, asksToRepeat, dismissed, dismisses, isUndecided, isVagueWish, languagesAnswer, notHelping, orderChange, readAcknowledgement, repeatLast } from "./flows/service.ts";
import { readNeed, termsWithoutThePerson } from "./needs.ts";
import { queryTerms } from "./query.ts";
import { priceOrderAsked, readMoreOf, readNarrowing, readRefinement, type Refinement, rejectsTheList } from "./refine.ts";
import { asksForTheBest, explicitIndexes, superlativePick } from "./references.ts";
import { say, suggest } from "./templates.ts";

/**
 * Which flow answers a turn. The classifier's intent is one reading of the message; where the
 * conversation stands is another: a refinement of the last search ("cheaper ones", 红色的), a pointer
 * into the last list ("第二个怎么样"), a question about one product's listing ("is it waterproof?"),
 * a need described indirectly, a complaint with a request after it — each is recognised here,
 * whatever intent a message that short was given; else the intent's own flow.
 */

// Intents that are about the shop or the shopper's data: while we wait for a new shopper's likes,
// these are still answered as themselves rather than read as preferences.
export const CONTROL_INTENTS = new Set([
  "goodbye", "thanks", "capabilities", "human_handoff", "export_data", "delete_data", "stop_personalisation",
  "order_status", "shipping", "returns", "opening_hours", "payment", "complaint", "add_to_cart", "compare",
]);

const COMPARE_WORDS = /\b(?:compare|comparison|versus|vs\.?|difference|differences|between)\b|对比|比较|区别|和第/i;
const MAYBE_SEARCH = new Set([OUT_OF_SCOPE, "feedback", "greet", "preferences"]);
const SHOPPING = /\b(?:buy|purchase|sell|sells|selling|stock|carry|order|find|show|look(?:ing)? for|searching|need|want|got any|have you got|do you have|is there|are there|available)\b|买|卖|有没有|有卖|想要|我要|我需要|找|购/i;

/**
 * Whether the documents answer a message better than the catalogue does. A request to buy ("do you
 * have anything for back pain?") is the catalogue's unless it has none of its words: a passage that
 * shares one word with it ("go back" of a refund) is no answer.
 */
function documentsOutdo(text: string, confidence: number, catalogue: number): boolean {
  return SHOPPING.test(text) ? catalogue === 0 && confidence >= SURE_FOR_A_REQUEST : confidence > catalogue;
}
// How sure the documents must be to answer a request to buy: most of its words in one passage ("do you have workshops?" 0.94).
const SURE_FOR_A_REQUEST = 0.7;

/**
 * Searches when the catalogue has what the message names (or it plainly asks to buy); else the intent's own flow.
 * A question the shop's documents answer better than the catalogue does ("do you offer gift wrapping?") is
 * answered from them; one about the shop they do not answer is told so, with a person offered.
 */
function searchOr(fallback: Flow | undefined, intent: string): Flow {
  return async (ctx) => {
    // "matching hoodies for me and my girlfriend": whom it is for is not what to match (as the search reads it).
    const terms = termsWithoutThePerson(ctx.turn.text) ?? queryTerms(ctx.turn.text);
    const asks = SHOPPING.test(ctx.turn.text) && intent !== "greet";
    // A lone Chinese character ("做") is no evidence of anything; a typing slip ("headphnoes") is read as the shop's word.
    const coverage = /^\p{Script=Han}$/u.test(terms) ? 0 : await catalogueCoverage(ctx, await mendedSpelling(ctx, terms));
    const lookup = intent === OUT_OF_SCOPE || looksLikeQuestion(ctx.turn.text) ? await lookUp(ctx) : undefined;
    if (lookup?.answerable && documentsOutdo(ctx.turn.text, lookup.confidence, coverage)) return knowledgeReply(lookup, ctx, KNOWLEDGE);
    // "what's the weather like tomorrow?": a question the classifier is sure is not the shop's, naming no
    // category, is not searched because a title has one of its words ("All-Weather Football").
    const surelyElsewhere = intent === OUT_OF_SCOPE && ctx.nlu.confidence >= 0.95 && looksLikeQuestion(ctx.turn.text) && !ctx.nlu.entities.categories.length;
    if (asks || (coverage >= 0.5 && !surelyElsewhere)) {
      const search = catalogueFlows.search_products;
      return search(ctx);
    }
    if (intent === OUT_OF_SCOPE && aboutTheShop(ctx.turn.text, lookup)) return declined(ctx, OUT_OF_SCOPE);
    return fallback ? fallback(ctx) : { ...outOfScope(ctx.locale), answeredAs: OUT_OF_SCOPE };
  };
}

// Words that ask for a person outright, beside any jab ("useless bot, get me a human").
const ASKS_FOR_A_PERSON = /\b(?:human|person|people|agent|staff|someone|somebody|colleague|manager|representative|operator)\b|人工|真人|客服|经理|工作人员|转接/i;

// Intents whose answer a colour named beside a pointer does not change ("compare the first with the red one").
const COLOUR_ASIDE_INTENTS = new Set(["compare", "price", "returns", "complaint", "feedback", "human_handoff"]);

// Replies that end by offering a person ("Would you like to talk to someone from our team?"): a "yes" next takes it.
const OFFERS_A_PERSON = new Set(["complaint", "feedback"]);

// Intents a question naming the cart still means ("what's the shipping cost for my cart?").
const OTHER_THAN_CART = new Set(["returns", "shipping", "payment", "human_handoff", "order_status"]);

/** What a turn answered from the shop's documents, outside any intent, is reported as. */
const KNOWLEDGE = "knowledge";
// Intents never handed to the documents, however unsure: what they do is not a question about the shop.
// "compare" with nothing shown yet is often a question ("between two sizes, which one?"): the documents may answer it.
const ACTION_INTENTS = new Set([...CONTROL_INTENTS, "add_to_cart"].filter((i) => i !== "compare"));
// Questions about a product ("how much is it?", 第一个有货吗): the documents answer them only when they name a policy ("what's the warranty on it?").
const PRODUCT_INTENTS = new Set(["price", "availability", "product_details"]);

// Intents a described need ("a gift for my dad who likes hiking") is read through: the classifier's catalogue guesses.
const NEED_INTENTS = new Set(["recommend", "search_products", "preferences", "greet", "product_details", OUT_OF_SCOPE]);
const GRIEVANCE = /\b(?:terrible|awful|horrible|worst|rubbish|garbage|trash|useless|broken|scam|rip[- ]?off|disgusting|disappointed|disappointing|unacceptable|furious|angry|pathetic|money back|refund|faulty|defective|too slow|so slow|took forever|taking forever)\b|太差|很差|差劲|垃圾|骗子|坑人|失望|生气|气死|退钱|退款|破烂|烂透|质量差|不满|太慢|慢死|很慢/i;

/** A message that complains: negative, and saying so in words a complaint is made of. */
export function isGrievance(nlu: Understanding, text: string): boolean {
  return nlu.sentiment.label === "negative" && (GRIEVANCE.test(text) || nlu.intent === "complaint" || nlu.sentiment.score <= -0.5);
}

/**
 * What a message asks for in so many words, whatever the classifier made of it: the cart, an order,
 * a request after a complaint, the shop's offers, other products than those shown, the languages
 * spoken, picks for the undecided, what's new, what is like or goes with a product shown.
 */
async function namedOutright(ctx: FlowContext, flows: Partial<Record<string, Flow>>): Promise<Flow | undefined> {
  const { nlu, state, turn } = ctx;
  // "what's in my cart?", "remove the tent from my basket": the cart, whatever the classifier made of it.
  const cart = readCartRequest(turn.text);
  if (cart === "remove") return removeFromCart;
  if (cart === "quantity") return cartQuantity;
  if (cart === "swap" && state.cart?.length && explicitIndexes(turn.text, state.lastShown.length).length) return swapInCart;
  // "I'd like two of the first one", 第一个要两个: a number of a product pointed at is an add, whatever the classifier made of it.
  if (quantityInAdd(turn.text) && explicitIndexes(turn.text, state.lastShown.length).length === 1 && !OTHER_THAN_CART.has(nlu.intent)) return flows.add_to_cart;
  // …a payment method named is the payment policy's (readCartRequest leaves those alone), so "payment" does not stand in the way.
  if (cart === "checkout" && (nlu.intent === "payment" || !OTHER_THAN_CART.has(nlu.intent))) return checkoutHow;
  if (cart === "view" && !OTHER_THAN_CART.has(nlu.intent)) return viewCart;
  // "I want to cancel my order", 取消订单: only the shop's team can (never "noise-cancelling" earbuds).
  if (asksToChangeOrder(turn.text) && !["returns", "human_handoff", "delete_data"].includes(nlu.intent)) return orderChange;
  // "it's order 55555, email jo@example.com": an order named, or the details just asked about an order, is about the order.
  // ("it's 12345" right after an order question is its number.)
  const aboutAnOrder = !!nlu.entities.orderNumber || ((!!nlu.entities.email || BARE_NUMBER.test(turn.text)) && state.lastAnswer === "order_status");
  if (aboutAnOrder && !ORDER_BUSINESS.has(nlu.intent)) return flows.order_status;
  // "the delivery was late again, anyway do you have running shoes?": the engine apologises first, then the request is answered.
  const request = isGrievance(nlu, turn.text) ? await requestAfterComplaint(ctx) : undefined;
  if (request) return (c) => flows.search_products!({ ...c, turn: { ...c.turn, text: request } });
  // "do you have yoga mats and how much is shipping?", 有瑜伽垫吗，运费多少: both answered, the search first.
  const both = await readQuestionAfterRequest(ctx);
  const search = flows.search_products!;
  if (both?.ofList) return listThenAsk((c) => search({ ...c, turn: { ...c.turn, text: both.request } }), both.question, (c) => route(c, flows));
  if (both) return searchThenDocuments(both, search);
  // "what's on sale?", 有什么优惠: the shop's offers, from its documents; the catalogue has no sale prices.
  if ((asksForDeals(turn.text) || (asksToBargain(turn.text) && !state.lastShown.length && !state.focus)) && !OTHER_BUSINESS_THAN_LIST.has(nlu.intent)) return dealsAnswer;
  // "never mind", 算了，不用了: nothing to do, said kindly (not out of scope, not a search).
  if (dismisses(turn.text)) return dismissed;
  // "yes" to "would you like to talk to someone from our team?" is the way to a person; "no", nothing more;
  // "ok", "hmm" (or a yes to no question) say what can be done next.
  const answer = readAcknowledgement(turn.text);
  if (answer && state.lastAnswer && OFFERS_A_PERSON.has(state.lastAnswer)) return answer === "no" ? dismissed : (flows.human_handoff ?? acknowledged);
  if (answer === "no") return dismissed;
  if (answer) return acknowledged;
  // "I don't like any of these", 换一批: the same search without what was shown (never read as a privacy request).
  if (state.lastSearch?.text && state.lastShown.length && rejectsTheList(turn.text) && !OTHER_BUSINESS_THAN_LIST.has(nlu.intent)) {
    const last = state.lastSearch;
    return (c) => refineSearch(c, last, { others: true });
  }
  // "ok back to the tents, which is the lightest?", 回到刚才的帐篷，哪个最轻: the list before, then the question asked of it.
  const backTo = readBackTo(turn.text, state.previousSearch);
  if (backTo) return listThenAsk((c) => refineSearch(c, backTo.previous, {}), backTo.question, (c) => route(c, flows));
  // "go back", 返回: the list before this one, searched again.
  if (asksToGoBack(turn.text)) {
    const previous = state.previousSearch;
    return previous ? (c) => refineSearch(c, previous, {}) : async (c) => ({ text: say(c.locale, "nothingBefore"), products: [], suggestions: suggest(c.locale, "start"), answeredAs: "capabilities" });
  }
  // "can you repeat that?", 再说一遍: the last reply again (a kiosk or a phone line is easily misheard).
  if (asksToRepeat(turn.text)) return repeatLast;
  // "do you speak Chinese?", 你会说英文吗: which languages the assistant answers in.
  if (asksForLanguages(turn.text)) return languagesAnswer;
  // "I don't know what to get", 我也不知道要买什么: picks, and what would narrow them — not a search for "know".
  if (isUndecided(turn.text) && !OTHER_BUSINESS_THAN_LIST.has(nlu.intent) && !readNeed(turn.text) && (!queryTerms(turn.text) || isVagueWish(turn.text))) {
    return async (c) => ({ ...(await flows.recommend!(c)), text: say(c.locale, "undecided") });
  }
  // "what's new?", 有什么新品: the newest products, not a search for the word "new".
  if (asksWhatsNew(turn.text) && !OTHER_BUSINESS_THAN_LIST.has(nlu.intent)) return whatsNew;
  // "anything similar to the second one?", "what do people buy with it?", 第二个有类似的吗: a product shown or in focus.
  if ((state.lastShown.length > 0 || state.focus) && !OTHER_BUSINESS_THAN_LIST.has(nlu.intent)) {
    if (asksWhatGoesWith(turn.text)) return goesWith;
    if (asksForSimilar(turn.text)) return similarProducts;
  }
  // 类似的还有吗 with nothing shown: which product is meant (never "we don't carry 类似").
  if (asksForSimilar(turn.text) && !queryTerms(withoutSimilarWords(turn.text))) return similarProducts;
  return undefined;
}

/**
 * The flow for this turn: what the message asks for outright (namedOutright); else a refinement of
 * the last search ("cheaper ones", 红色的) or a pointer into the last list ("第二个怎么样"), recognised
 * from where the conversation stands whatever intent the classifier gave a message that short; a
 * described need is a search; else the intent's flow.
 */
export async function route(ctx: FlowContext, flows: Partial<Record<string, Flow>>): Promise<Flow | undefined> {
  // Turning personalisation off is a privacy action: it takes words about being tracked or personalised.
  // "I don't like white", 不要黑色的 sound like it to the classifier: without such words it is not understood, and read on.
  if (ctx.nlu.intent === "stop_personalisation" && !ABOUT_PERSONALISATION.test(ctx.turn.text)) ctx.nlu = { ...ctx.nlu, intent: OUT_OF_SCOPE };
  const outright = await namedOutright(ctx, flows);
  if (outright) return outright;
  const { nlu, state, turn } = ctx;
  // "the third one" when the list had one: which is meant is asked, never the one there is put in the cart.
  if (pointsBeyondTheList(turn.text, state.lastShown.length) && (nlu.intent === "add_to_cart" || !ACTION_INTENTS.has(nlu.intent))) return beyondTheList;
  // "the second one but in blue", "add the first one in red", "does it come in black?" (after its price), 第二个要蓝色的: that product in another colour is
  // not that product — whether it comes so, and the list's kind that does (never the red one into the cart).
  const oneProductMeant = explicitIndexes(turn.text, state.lastShown.length).length === 1 || (!!state.focus && pointsAtAProduct(turn.text));
  if (nlu.entities.colors.length && oneProductMeant && !COLOUR_ASIDE_INTENTS.has(nlu.intent)) {
    // (…and "does it come in black?" of a black one is answered so, not with a search for black ones.)
    const [pointed] = await referencedProducts(ctx, 1);
    if (pointed?.color) return flows.availability;
  }
  // "what colour is it?", 这个是什么颜色: the colour its listing gives, with its stock (never a search for "colour").
  if (WHAT_COLOUR.test(turn.text) && (pointsAtAProduct(turn.text) || !queryTerms(turn.text.replace(WHAT_COLOUR, " "))) && (state.focus || state.lastShown.length === 1 || explicitIndexes(turn.text, state.lastShown.length).length === 1)) return flows.availability;
  // 你们的电水壶有什么区别 taken for out of scope: a comparison of a kind (the compare flow lists it to pick two).
  if (MAYBE_SEARCH.has(nlu.intent) && COMPARE_WORDS.test(turn.text) && !nlu.entities.price && !asksAboutPolicy(turn.text) && queryTerms(turn.text.replace(COMPARE_WORDS, " "))) return flows.compare;
  // "I want to leave a review", 我想写个评价: feedback for the shop, not a search for "leave review".
  if (/\b(?:leave|write|post|give|submit)\s+(?:a\s+|my\s+)?(?:review|rating|feedback)\b|(?:写|留|给)(?:个|一个|条)?(?:评价|好评|评论)/i.test(turn.text)) return flows.feedback;
  // "what brands of headphones do you have?", 耳机有哪些品牌: the brands, then some of them (not five headphones alone).
  if (asksForBrands(turn.text) && queryTerms(turn.text) && !ACTION_INTENTS.has(nlu.intent)) return brandsAnswer;
  // "when will the sold out ones be back?", 什么时候补货: no dates to give (never a search for "out back").
  if (asksAboutRestock(turn.text) && !ACTION_INTENTS.has(nlu.intent)) return restockAnswer;
  // "what do other customers say about the first one?", 这款评价怎么样: the listing, and that there are no reviews.
  if (asksForReviews(turn.text) && (pointsAtAProduct(turn.text) || (await ctx.deps.recommender.findMentioned(turn.text, 1)).length > 0) && !ACTION_INTENTS.has(nlu.intent)) return reviewsAnswer;
  // "how heavy is it?", "what's the capacity of the second one?", 它是几人的: the figure its listing states.
  const measure = askedMeasure(turn.text);
  if (measure && (pointsAtAProduct(turn.text) || !queryTerms(turn.text)) && (state.lastShown.length > 0 || state.focus)) return measureAnswer(measure);
  // "is it waterproof?", "does the second one have bluetooth?", 它防水吗: what that product's listing says;
  // then "and the third one?" asks the same of another.
  const asked = state.askedProperty;
  state.askedProperty = undefined;
  // "这几款有带帽子的吗": asked of the whole list, though 这 reads as a pointer to one — answered for each listing.
  // ("do any of them have noise cancelling?" points at none: it narrows the list, below.)
  const ofList = state.lastShown.length >= 2 && OF_THE_LIST.test(turn.text) && pointsAtAProduct(turn.text) && !ACTION_INTENTS.has(nlu.intent) ? readAttributeQuestion(turn.text) : undefined;
  if (ofList) return whichOfShown(ofList);
  const onlyPointsInList = onlyAPointer(turn.text) && explicitIndexes(turn.text, state.lastShown.length).length > 0;
  const property = (await askedProperty(ctx)) ?? (asked && onlyPointsInList ? asked : undefined);
  if (property) return propertyAnswer(property);
  // "and the second one too" after adding one to the cart, "what about the third?" after a price: the same again.
  if (onlyPointsInList && state.lastAnswer && REPEATABLE.has(state.lastAnswer)) return flows[state.lastAnswer];
  // "the first one" on its own picks it out to look at: nothing goes into the cart unasked.
  if (onlyPointsInList && nlu.intent === "add_to_cart") return flows.product_details;
  // "which is the quietest?", 哪款防水: the products shown whose listings say so.
  // "which is the thickest?", "which has the most storage?": the figures the titles state, compared.
  const extreme = state.lastShown.length >= 2 && !ACTION_INTENTS.has(nlu.intent) ? askedExtreme(turn.text) : undefined;
  if (extreme) return extremeOfShown(extreme);
  const which = state.lastShown.length >= 2 && (PROPERTY_INTENTS.has(nlu.intent) || nlu.intent === "compare") ? readWhichQuestion(turn.text) : undefined;
  if (which) return whichOfShown(which);
  // "which one is the best?" of a list (not of two just compared: the comparison answers that).
  if (state.lastShown.length >= 2 && !state.compared && asksForTheBest(turn.text) && !ACTION_INTENTS.has(nlu.intent)) return bestOfShown;
  const refinement = readRefinement(turn.text, nlu, state.lastSearch, state.lastShown.length, ctx.exclusion);
  // "what's the cheapest tent you have?" after a list: the shop's tents by price, not the list narrowed.
  if (priceOrderAsked(turn.text) && !superlativePick(turn.text) && queryTerms(turn.text)) return flows.search_products;
  // "do any of them have noise cancelling?", 有降噪的吗, "red trail ones?": words the listed kind of
  // product also has narrow the list (its price and filters kept) instead of starting a new search.
  const narrowing = refinement ? refinement.fresh : readNarrowing(turn.text, nlu, state.lastSearch, state.lastShown.length);
  // "有没有长款的", "any long ones?" leave out the thing itself: it is the list's kind even when none of it is that.
  if (narrowing && state.lastSearch?.text && ((ELIDED_HEAD.test(turn.text) && !readMoreOf(turn.text)) || (await narrowsTheList(ctx, state.lastSearch, narrowing)))) {
    const last = state.lastSearch;
    const narrowed: Refinement = { ...refinement, fresh: narrowing, narrow: true };
    return (c) => refineSearch(c, last, narrowed);
  }
  // "do any of them have a hood?" when none of the listings says so: said, with others of the kind that do (never out of scope).
  // ("do they run small?" is the size guide's.)
  if (narrowing && !refinement && state.lastShown.length && OF_THE_LIST.test(turn.text) && !asksAboutPolicy(turn.text) && !OTHER_BUSINESS_THAN_LIST.has(nlu.intent)) return whichOfShown(narrowing);
  // "something a bit more fun" after picks that were no search: a search for what it should be more of.
  const moreOfPicks = !refinement && !state.lastSearch?.text && state.lastShown.length ? readMoreOf(turn.text) : undefined;
  if (moreOfPicks && !OTHER_BUSINESS_THAN_LIST.has(nlu.intent) && (await catalogueCoverage(ctx, moreOfPicks)) >= 0.5) {
    return (c) => flows.search_products!({ ...c, turn: { ...c.turn, text: moreOfPicks } });
  }
  // "something more exciting" where the listings say nothing of it: others, said so — not a search for "exciting".
  const quality = !refinement && state.lastSearch?.text && state.lastShown.length ? readMoreOf(turn.text) : undefined;
  if (quality && !OTHER_BUSINESS_THAN_LIST.has(nlu.intent)) {
    const last = state.lastSearch!;
    return async (c) => {
      const reply = await refineSearch(c, last, { others: true });
      const note = say(c.locale, "cannotTellMore", { quality });
      return reply.products.length ? { ...reply, text: note } : reply;
    };
  }
  // New words the catalogue knows make it a search of its own ("red hiking boots" after "running shoes"); filler does not.
  const fresh = refinement?.fresh ? (await catalogueCoverage(ctx, refinement.fresh)) >= 0.5 : false;
  if (refinement && state.lastSearch && !fresh) {
    const last = state.lastSearch;
    return (c) => refineSearch(c, last, refinement);
  }
  // "which is the most expensive?" after a cheapest-first list: the dearest are not on it — the search from the other end.
  const pick = state.lastShown.length && !state.compared ? superlativePick(turn.text) : undefined;
  const sorted = state.lastSearch?.order;
  if (pick && sorted && (pick === "max") === (sorted === "low") && !ACTION_INTENTS.has(nlu.intent)) {
    const last = state.lastSearch!;
    return (c) => refineSearch(c, last, { order: pick === "max" ? "high" : "low" });
  }
  // "第二个怎么样", "the last one", "the cheapest one": a pointer into the list is about that product.
  const pointed = explicitIndexes(turn.text, state.lastShown.length).length + (state.lastShown.length && superlativePick(turn.text) ? 1 : 0);
  if (pointed && !readNeed(turn.text) && !asksAboutPolicy(turn.text)) {
    // 第二个有紫色的吗: a colour or size asked of it is its availability in that colour or size.
    const inColourOrSize = nlu.entities.colors.length > 0 || nlu.entities.sizes.length > 0;
    if (["search_products", "recommend", "feedback", "greet", "preferences", OUT_OF_SCOPE].includes(nlu.intent)) return inColourOrSize ? flows.availability : flows.product_details;
    if (nlu.intent === "compare" && pointed === 1 && !COMPARE_WORDS.test(turn.text)) return flows.product_details;
  }
  // A question the shop's documents answer, asked as whatever intent: answered from them when it names a
  // policy or they match it better than the catalogue does ("do you have running shoes" stays a search).
  const policy = asksAboutPolicy(turn.text);
  if (!ACTION_INTENTS.has(nlu.intent) && !(nlu.intent === "compare" && state.lastShown.length && !policy) && looksLikeQuestion(turn.text)) {
    // A policy word is evidence of what the question is about, as a policy intent is.
    const lookup = await lookUp(ctx, { intentBacked: policy });
    const aboutProduct = PRODUCT_INTENTS.has(nlu.intent) || (state.lastShown.length > 0 && pointed > 0);
    const onTopic = !policy || !lookup?.text || passageSaysPolicy(turn.text, lookup.text);
    // ("what do you recommend for a beginner runner?" is a need, not the workshops passage that says "beginner running".)
    const need = NEED_INTENTS.has(nlu.intent) && !!readNeed(turn.text);
    if (lookup?.answerable && onTopic && (policy || (!aboutProduct && !need && documentsOutdo(turn.text, lookup.confidence, await catalogueCoverage(ctx, queryTerms(turn.text)))))) {
      return async (c) => knowledgeReply(lookup, c, KNOWLEDGE);
    }
    if (lookup && policy) return async (c) => declined(c, KNOWLEDGE);
  }
  // A complaint in which nothing complains ("搅拌机", a bare product name) is the classifier's slip.
  const calm = nlu.intent === "complaint" && !isGrievance(nlu, turn.text) && nlu.sentiment.label !== "negative";
  // "I'm shopping for my sister, she's really into photography" taken for a complaint is still a need.
  if ((NEED_INTENTS.has(nlu.intent) || calm) && readNeed(turn.text)) return flows.search_products;
  // "you're so stupid", "thanks for nothing", 你好笨啊: a jab that reads like thanks or a greeting is feedback, never "You're welcome!".
  if (["thanks", "greet", "goodbye"].includes(nlu.intent) && nlu.sentiment.label === "negative") return notHelping;
  // "great, another useless chatbot": the same, however the sentiment of "great" weighed against "useless".
  // (没用的机器人 read as asking for a person is still the jab: the apology offers one.)
  if (abusesTheAssistant(turn.text) && (!ACTION_INTENTS.has(nlu.intent) || (nlu.intent === "human_handoff" && !ASKS_FOR_A_PERSON.test(turn.text)))) return notHelping;
  // A message the classifier could not place (or a calm "complaint"), naming what the catalogue carries
  // ("gel pens", "24-inch monitor") or asking to buy something, is a search; otherwise it is what it was.
  if ((MAYBE_SEARCH.has(nlu.intent) || calm) && queryTerms(turn.text)) return searchOr(flows[nlu.intent], nlu.intent);
  // "decaf?" after a list of coffee beans, "how much are the tents?": a product question that points at no product —
  // none in focus, pointed at or named — asks for the thing, not "which product do you mean?".
  if (PRODUCT_INTENTS.has(nlu.intent) && !state.focus && !pointed && state.lastShown.length !== 1 && !pointsAtAProduct(turn.text) && queryTerms(turn.text) && !(await ctx.deps.recommender.findMentioned(turn.text, 1)).length) {
    return flows.search_products;
  }
  // "your products are terrible and I want my money back": the complaint, with the way to a refund.
  if (nlu.intent === "returns" && isGrievance(nlu, turn.text)) return complaintRefund;
  // …and "I ordered the wrong size", 发错货了: the way to an exchange is a return, which the documents tell.
  if (nlu.intent === "complaint" && /\b(?:money back|refund|return|wrong (?:size|colou?r|item|one|thing|product)|(?:does ?n[o']t|did ?n[o']t|won'?t) fit|too (?:small|big|tight|loose))\b|退钱|退款|退货|发错|寄错|买错|尺码不对|不合身|换货/i.test(turn.text)) {
    return async (c) => ({ ...(await complaintRefund(c)), answeredAs: undefined });
  }
  return flows[nlu.intent];
}


// A question asked of the list shown as a whole: "do any of them…", "are these…", 这几款有…吗.
const OF_THE_LIST = /\b(?:any|some|all|either|none|which) of (?:them|these|those|the ones)\b|\b(?:do|are|have) (?:these|those|they)\b|^\s*(?:and\s+|so\s+)?(?:any|some|ones?)\s+(?:with|that (?:have|has|come with))\b|这几款|这些|它们|哪款|哪个/i;

// A follow-up whose noun is left out: "any long ones?", 有没有长款的.
const ELIDED_HEAD = /\bones?\s*[?.!]*\s*$|的\s*(?:吗|呢|么|吧)?\s*[?？]?\s*$/i;

// "what colour is it?", "which colours does the second one come in?", 这个是什么颜色.
const WHAT_COLOUR = /\b(?:what|which)\s+colou?rs?\b|什么颜色|啥颜色|哪些颜色|哪种颜色|几种颜色|几个颜色/i;

// A number said on its own: "it's 12345", "#55555", 是12345.
const BARE_NUMBER = /^\s*(?:(?:it'?s|its|it is|that'?s|the number is|number|no\.?|order)\s*)?#?\s*[a-z]{0,3}-?\d{4,}\s*[.!]?\s*$|^\s*(?:是|订单号是?)?\s*\d{4,}\s*[。！]?\s*$/i;

// What a message naming an order may be besides a question about its status.
const ORDER_BUSINESS = new Set(["order_status", "returns", "complaint", "human_handoff", "shipping", "delete_data", "export_data"]);

// Intents a turned-down list does not override: they ask for something else outright.
const OTHER_BUSINESS_THAN_LIST = new Set(["add_to_cart", "order_status", "shipping", "returns", "payment", "human_handoff", "export_data", "delete_data"]);
const ABOUT_PERSONALISATION =
  /personali[sz]|track|histor|profil|\bdata\b|privacy|incognito|opt(?:ing)?[\s-]*out|tailor|customi[sz]|learn|remember|collect|brows|based on|same as everyone|normal results|generic|watching|following|analy[sz]|recommend|suggest|个性化|追踪|跟踪|记录|画像|数据|隐私|无痕|定制|学习|记住|收集|浏览|分析|推荐|推东西|历史|偏好|盯着|猜你喜欢|一样/i;

// What a bare pointer after it asks again ("and the second one too").
const REPEATABLE = new Set(["add_to_cart", "price", "availability"]);

// Intents a question about a product's property is often given ("is it vegan?" read as a search).
const PROPERTY_INTENTS = new Set(["product_details", "availability", "search_products", "recommend", "preferences", "feedback", "greet", OUT_OF_SCOPE]);

/** What a yes-or-no question asks of a product shown, in focus or named ("Is the Lumora Prism 9 waterproof?"); else undefined. */
async function askedProperty(ctx: FlowContext): Promise<string | undefined> {
  const { nlu, state, turn } = ctx;
  if (!PROPERTY_INTENTS.has(nlu.intent) || asksAboutPolicy(turn.text)) return undefined;
  // A size, a colour or a price asked of it is the refinements' and the details' to answer.
  const e = nlu.entities;
  if (e.sizes.length || e.colors.length || e.price) return undefined;
  const property = readAttributeQuestion(turn.text);
  if (!property) return undefined;
  const pointed = pointsAtAProduct(turn.text) && (state.lastShown.length > 0 || !!state.focus);
  return pointed || (await ctx.deps.recommender.findMentioned(turn.text, 1)).length ? property : undefined;
}

/**
 * The product request that follows a complaint in the same message, when its last sentence (or what
 * follows "anyway", "but", "by the way") asks for something the catalogue carries; else undefined.
 */
async function requestAfterComplaint(ctx: FlowContext): Promise<string | undefined> {
  const parts = ctx.turn.text
    .split(/(?<=[.!?。！？；;])\s*|[,，]?\s*\b(?:anyway|anyhow|but|by the way|btw|also)\b[,，]?\s*|(?:不过|另外|顺便问一下|顺便问下|顺便)[,，]?/i)
    .map((p) => p?.trim())
    .filter((p): p is string => !!p);
  const last = parts.at(-1);
  if (parts.length < 2 || !last || GRIEVANCE.test(last) || asksAboutPolicy(last)) return undefined;
  const terms = queryTerms(last);
  return terms && (await catalogueCoverage(ctx, terms)) >= 0.5 ? last : undefined;
}

export function outOfScope(locale: Locale): FlowReply {
  return { text: say(locale, "outOfScope"), products: [], suggestions: suggest(locale, "start") };
}
