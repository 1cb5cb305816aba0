/**
 * What the templated tier says in English, and the default for every key of a shop's replies file.
 * `{name}` is filled at the call; the optional pieces (`{forWhat}`, `{inFilters}`…) are composed
 * in fragments.ts, so a sentence reads the same whether or not the shopper named a thing.
 */
export const en = {
  greetNew: "Hi! I'm your shop assistant. To get you good picks, tell me what you like — for example running, skincare, headphones or cooking.",
  greetBack: "Welcome back! Here are a few picks for you.",
  preferencesSaved: "Thanks — I'll keep {likes} in mind. Here are some picks to start with.",
  goodbye: "Goodbye, and thanks for stopping by!",
  thanks: "You're welcome! Anything else I can find for you?",
  capabilities:
    "I can search the catalogue (\"running shoes under 100\"), recommend things for you, tell you about a product, compare two products, add to your cart and show what's in it, and answer questions about shipping, returns, payment and opening hours. You can also ask me to export or delete your data.",
  searchResults: "Here are {count} {adjSp}matches{forWhat}{inFilters}.",
  searchResultsOne: "Here is 1 {adjSp}match{forWhat}{inFilters}.",
  refinedNone: "I couldn't find anything {adjOrElse}{forWhat}{inFilters}. These are still the closest matches.",
  cheapestInstead: "I couldn't find anything{forWhat}{inFilters}. Here are the lowest-priced ones I have.",
  budgetInstead: "I couldn't find {whatOrThat}{inFilters}. Here are other {kindOrProducts} within your budget.",
  notCarried: "Sorry, we don't carry {what}.",
  notCarriedAlternatives: "Sorry, we don't carry {what}. Here are some related products you might like instead.",
  needResults: "Here are {count} ideas for {whomOrSomeone}{whoLikesWhat}{inFilters}.",
  needResultsOne: "Here is 1 idea for {whomOrSomeone}{whoLikesWhat}{inFilters}.",
  needPopular: "Here are some popular ideas for {whomOrAGift}{inFilters}.",
  activityResults: "Here are {count} ideas for {what}{inFilters}.",
  activityResultsOne: "Here is 1 idea for {what}{inFilters}.",
  otherColours: "I couldn't find {what} in {colour}{inFilters}. Here are some in other colours.",
  sorryFirst: "I'm sorry to hear you're unhappy, and I'd like to put it right.",
  searchNone: "I couldn't find anything{forWhat}{inFilters}. Try a wider price range or another word?",
  recommendations: "Here are some picks for you.",
  recommendationsCold: "Here are some of our most popular products right now.",
  whichProduct: "Which product do you mean? Tell me its name, or search first and say \"the first one\".",
  whichTwo: "Which two products should I compare? Name them, or search first and say \"compare the first two\".",
  notInCatalogue: "Sorry, we don't carry {what}.",
  priceOf: "{title} costs {price}.",
  noPrice: "{title} has no listed price at the moment.",
  inStock: "{title} is in stock ({stock} left).",
  outOfStock: "{title} is out of stock right now.",
  stockUnknown: "I don't have stock information for {title}.",
  sizesAvailable: "Sizes: {sizes}.",
  colour: "Colour: {color}.",
  addedToCart: "Added {title} to your cart.",
  cannotAddOutOfStock: "{title} is out of stock, so I can't add it to your cart.",
  cartContents: "Your cart has {count} items:",
  cartContentsOne: "Your cart has 1 item:",
  cartEmpty: "Your cart is empty. Tell me what you're looking for and I'll find it.",
  removedFromCart: "Removed {title} from your cart.",
  notInCart: "{title} isn't in your cart.",
  orderStatus: "I can't see orders from this chat yet. You'll find every order's status under My account → Orders, or you can talk to someone from our team.",
  kbUnknown: "I couldn't find that in our shop's information, and I'd rather not guess. Would you like to talk to someone from our team?",
  complaint: "I'm sorry about that. Would you like to talk to someone from our team who can sort it out?",
  complaintRefund: "I'm sorry about that. Someone from our team can sort out your refund: just ask to talk to a person.",
  sorryAbout: "I'm sorry about that.",
  offerColleague: "Or you can talk to someone from our team who can sort it out.",
  feedbackPositive: "Thank you, that's great to hear!",
  feedbackNegative: "Thank you for telling us — I'm sorry it wasn't better. I've passed it on. Would you like to talk to someone from our team?",
  feedbackNeutral: "Thanks for your feedback, I've passed it on.",
  // Said only when the shop connected no hand-off (CONCIERGE_ACTIONS_URL, CONCIERGE_HANDOFF_URL): nobody is told, so it must not promise anyone.
  handoff: "I can't bring a colleague into this chat, but the shop's team can help you directly (Monday to Friday, 9:00–18:00) through the contact details on our website. I'm happy to keep helping here meanwhile.",
  exportReady:
    "Your data is ready to download: {url}\nThe link works once, for the next {minutes} minutes. It holds everything we keep about you: your events, messages, profile and preferences.",
  exportNotHere: "I can't hand over your data here, as anyone nearby could hear or see it. Ask me \"export my data\" in the chat on our website and you'll get a private download link.",
  deleteConfirm:
    "This permanently deletes everything we keep about you: your history, messages, preferences and profile. Say \"yes\" to delete it, or \"no\" to keep it.",
  deleteCancelled: "All right, I kept your data. Nothing was deleted.",
  deleted: "Done. I deleted {events} events, {messages} messages and your profile. We no longer keep anything about you.",
  stoppedPersonalising: "Done — I'll stop personalising for you. I won't use or update your history, and recommendations will be the same as for everyone.",
  outOfScope: "Sorry, that's outside what I can help with. I can find products, recommend things, compare them, and answer questions about orders, shipping and returns.",
  compareIntro: "Comparing {a} and {b}:",
  compareCheaper: "{title} is cheaper by {diff}.",
  compareSamePrice: "They cost the same.",
  details: "{title}{byBrand}{inCategory}.",
  // The reason line on a product card, where no ranking gave one.
  cardAsked: "the product you asked about",
  cardCompared: "in your comparison",
  cardOutOfStock: "out of stock",
  cardInCart: "in your cart",
  // The action flows' own sentences (the shop's answers come from its webhook): none states a status.
  askAll: "I can check that with the shop. What's the order number, and the e-mail address or postcode the order was placed with?",
  askProof: "Thanks. To make sure order {order} is yours, what's the e-mail address or postcode it was placed with?",
  askOrder: "Thanks. What's the order number? You'll find it in your order confirmation.",
  orderUnavailable: "Sorry, I can't reach the shop's order system right now, so I can't check {theOrder}. Please try again in a few minutes, or I can pass you to a colleague.",
  returnUnavailable: "Sorry, I can't reach the shop's returns system right now, so I can't start a return for {theOrder}. Please try again in a few minutes, or I can pass you to a colleague.",
  stockUnavailable: "Sorry, I can't reach the shop's stock system right now, so I can't tell you what that store has. Please try again in a few minutes.",
  handoffSent:
    "I've passed our conversation to the shop's team (with personal details removed), reference {ref}. A colleague will pick it up during opening hours; if you contact the shop, quote {ref} so they can find it.",
  handoffFailed: "Sorry, I couldn't reach a colleague just now. Please try again in a few minutes, or contact the shop directly.",
  cardReason: "From the shop's answer",
} satisfies Record<string, string>;

export const enSuggestions = {
  start: ["Recommend something for me", "Running shoes under 100", "What can you do?"],
  afterResults: ["Tell me more about the first one", "Compare the first two", "Add the first one to my cart"],
  afterDetails: ["Add it to my cart", "Show me similar products", "Recommend something for me"],
  handoff: ["Talk to a human", "Recommend something for me"],
  afterKnowledge: ["Talk to a human", "What can you do?"],
  privacy: ["Export my data", "Recommend something for me"],
  confirmDelete: ["Yes, delete my data", "No, keep it"],
  afterCart: ["Remove the first one from my cart", "Recommend something for me"],
} satisfies Record<string, string[]>;

export type ReplyKey = keyof typeof en;
export type SuggestionSet = keyof typeof enSuggestions;
