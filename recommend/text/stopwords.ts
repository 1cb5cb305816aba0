/**
 * Words that say nothing about a product. Dropped on both the catalogue and the query side so
 * "show me some running shoes for men" and a title "Running Shoe (Men)" score on what matters.
 * Kept short on purpose: BM25's IDF already discounts common catalogue words.
 */
export const STOPWORDS: ReadonlySet<string> = new Set([
  // English: function words and the request phrasing shoppers type
  "a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "for", "with", "by", "from", "is",
  "are", "be", "it", "its", "this", "that", "these", "those", "my", "me", "i", "you", "your", "we",
  "our", "some", "any", "something", "anything", "please", "show", "find", "want", "need", "looking",
  "look", "get", "buy", "recommend", "suggest", "can", "could", "would", "like", "do", "does", "have",
  "has", "what", "which", "there", "here", "about", "also", "very", "just", "than", "but", "not",
  // Chinese: particles and request phrasing (single characters are whole jieba tokens)
  "的", "了", "是", "我", "你", "他", "她", "我们", "想", "想要", "要", "买", "给", "推荐", "一些", "一下",
  "有", "有没有", "吗", "呢", "吧", "啊", "和", "与", "或", "在", "找", "看看", "请", "个", "一个",
  "这", "那", "这个", "那个", "什么", "帮", "帮我", "一双", "一件", "一款", "一条", "一台", "一部", "一只",
  "一副", "一套", "哪些", "哪个", "怎么样", "可以", "能", "需要", "适合",
]);
