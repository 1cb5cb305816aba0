import type { Rng } from "./prng.ts";

/** Invented book titles and author names, per book sub-type and language. */

const EN = {
  adjectives: ["Silent", "Hidden", "Last", "Distant", "Quiet", "Burning", "Glass", "Forgotten", "Winter", "Paper", "Golden", "Salt", "Northern", "Secret", "Wild"],
  nouns: ["Orchard", "Lighthouse", "Harbour", "Garden", "River", "Lantern", "Island", "Archive", "Cartographer", "Beekeeper", "Tide", "Clockmaker", "Observatory", "Vineyard"],
  relatives: ["Daughter", "Apprentice", "Promise", "Secret", "Return", "Widow"],
  seasons: ["Summer", "Winter", "Autumn", "Spring", "Midwinter"],
  places: ["Westmere", "Ashcombe", "Port Lowen", "Marrowby", "Kestle Bay", "Hollin Fell"],
  kitchens: ["Simple", "Everyday", "Green", "Slow", "Little", "Weeknight", "Sunday", "Seasonal"],
  occasions: ["Busy Weeknights", "Sharing Tables", "Every Season", "Small Kitchens", "Cooking for One", "Lazy Weekends"],
  recipeCounts: ["60", "75", "100", "120"],
  heroes: ["Pip", "Milo", "Luna", "Tilly", "Otto", "Bea", "Juniper", "Finn"],
  animals: ["Fox", "Otter", "Bear", "Hedgehog", "Owl", "Rabbit", "Panda", "Whale"],
  adventures: ["Finds a Friend", "Learns to Swim", "Goes to School", "Can't Sleep", "Saves the Day", "and the Big Storm", "Plants a Garden"],
  cities: ["Kyoto", "Lisbon", "Vienna", "Edinburgh", "Barcelona", "Istanbul", "Chengdu", "Hangzhou", "Vancouver", "Melbourne", "Marrakesh", "Copenhagen"],
  days: ["Three", "Five", "Seven"],
  first: ["Mara", "Elliot", "Hannah", "Julian", "Priya", "Tomas", "Clara", "Owen", "Ines", "Rafael", "Nora", "Samuel", "Ada", "Felix", "Yusuf", "Lena"],
  last: ["Ellison", "Hartley", "Okafor", "Lindqvist", "Moreau", "Castell", "Whitlock", "Brennan", "Ashdown", "Navarro", "Penhale", "Sato", "Kowalski", "Greer", "Abbott", "Vance"],
};

const ZH = {
  adjectives: ["沉默", "遥远", "消失", "隐秘", "最后", "燃烧", "玻璃", "北方", "冬日", "金色", "失落", "无声"],
  nouns: ["果园", "灯塔", "港湾", "花园", "河流", "来信", "岛屿", "钟表匠", "养蜂人", "潮汐", "天文台", "葡萄园"],
  seasons: ["春天", "夏日", "秋天", "冬天"],
  kitchens: ["家常", "简单", "轻食", "慢煮", "小小", "四季"],
  occasions: ["快手晚餐", "下饭菜", "家常菜", "一人食", "周末早午餐", "便当"],
  recipeCounts: ["60", "80", "100", "120"],
  animals: ["小狐狸", "小水獭", "小熊", "小刺猬", "猫头鹰", "小兔子", "熊猫宝宝", "小鲸鱼"],
  adventures: ["找朋友", "学游泳", "去上学", "睡不着", "的大冒险", "种花园", "和暴风雨"],
  cities: ["京都", "里斯本", "维也纳", "爱丁堡", "巴塞罗那", "伊斯坦布尔", "成都", "杭州", "温哥华", "墨尔本", "马拉喀什", "哥本哈根"],
  days: ["三", "五", "七"],
  surnames: ["林", "陈", "王", "张", "李", "周", "许", "沈", "苏", "叶", "顾", "程"],
  given: ["晓梅", "一帆", "子墨", "思远", "雨桐", "明轩", "若溪", "书言", "嘉禾", "清和", "知秋", "南星"],
};

export function bookTitle(rng: Rng, subtype: string, locale: "en" | "zh"): string {
  return locale === "en" ? englishTitle(rng, subtype) : chineseTitle(rng, subtype);
}

export function authorName(rng: Rng, locale: "en" | "zh"): string {
  return locale === "en" ? `${rng.pick(EN.first)} ${rng.pick(EN.last)}` : `${rng.pick(ZH.surnames)}${rng.pick(ZH.given)}`;
}

function englishTitle(rng: Rng, subtype: string): string {
  const p = (list: readonly string[]) => rng.pick(list);
  switch (subtype) {
    case "cookbook":
      return rng.chance(0.7) ? `${p(EN.kitchens)} Kitchen: ${p(EN.recipeCounts)} Recipes for ${p(EN.occasions)}` : `The ${p(EN.places)} Table`;
    case "picture-book":
      return rng.chance(0.75) ? `${p(EN.heroes)} the ${p(EN.animals)} ${p(EN.adventures)}` : `Goodnight, Little ${p(EN.animals)}`;
    case "travel-guide": {
      const city = p(EN.cities);
      return rng.pick([`${city} in ${p(EN.days)} Days`, `Walking ${city}`, `The Essential Guide to ${city}`]);
    }
    default:
      switch (rng.int(0, 3)) {
        case 0:
          return `The ${p(EN.adjectives)} ${p(EN.nouns)}`;
        case 1:
          return `The ${p(EN.nouns)}'s ${p(EN.relatives)}`;
        case 2:
          return `${p(EN.seasons)} at the ${p(EN.nouns)}`;
        default:
          return `Beyond the ${p(EN.adjectives)} ${p(EN.nouns)}`;
      }
  }
}

function chineseTitle(rng: Rng, subtype: string): string {
  const p = (list: readonly string[]) => rng.pick(list);
  switch (subtype) {
    case "cookbook":
      return `《${p(ZH.kitchens)}厨房：${p(ZH.recipeCounts)}道${p(ZH.occasions)}》`;
    case "picture-book":
      return rng.chance(0.75) ? `《${p(ZH.animals)}${p(ZH.adventures)}》` : `《晚安，${p(ZH.animals)}》`;
    case "travel-guide": {
      const city = p(ZH.cities);
      return rng.pick([`《${city}${p(ZH.days)}日游》`, `《漫步${city}》`, `《${city}深度游指南》`]);
    }
    default:
      switch (rng.int(0, 3)) {
        case 0:
          return `《${p(ZH.adjectives)}的${p(ZH.nouns)}》`;
        case 1:
          return `《${p(ZH.nouns)}的女儿》`;
        case 2:
          return `《${p(ZH.seasons)}的${p(ZH.nouns)}》`;
        default:
          return `《雾中的${p(ZH.nouns)}》`;
      }
  }
}
