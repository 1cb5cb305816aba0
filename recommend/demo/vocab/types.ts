/** The shape of the curated word lists the demo catalogue is built from. */

/** One idea in both languages. English is lower-case unless it is a name or an acronym. */
export interface Term {
  en: string;
  zh: string;
}

export interface Brand {
  /** The brand's own (Latin) name; it is the `brand` facet in both languages. */
  name: string;
  /** How Chinese listings write it. */
  zh: string;
}

export type Audience = "men" | "women" | "kids" | "unisex";

/** Which size run a sub-type sells in (see common.ts for the runs per locale). */
export type SizeScheme = "shoe" | "apparel" | "bed";

export type ColorId =
  | "black"
  | "white"
  | "grey"
  | "navy"
  | "blue"
  | "red"
  | "green"
  | "olive"
  | "beige"
  | "brown"
  | "pink"
  | "purple"
  | "yellow"
  | "orange"
  | "silver"
  | "gold";

export interface SubType {
  id: string;
  /** Title form ("Trail Running Shoes"). */
  en: string;
  zh: string;
  /** Realistic USD price range, whole dollars, inclusive. */
  price: [number, number];
  audiences?: Audience[];
  sizes?: SizeScheme;
  /** Options that go into the title, cheapest first (the price rises with them). */
  variants?: Term[];
  /** Adjectives: they read as "{f1} and {f2}" in English and run together in Chinese titles. */
  features: Term[];
  materials?: Term[];
  colors?: ColorId[];
  /** What it is for, as a noun phrase: "made for {use}" / "适合{use}". */
  uses: Term[];
  /** Extra search words for tags. */
  keywords?: Term[];
  /** Singular noun for descriptions ("novel"), where the title form does not read well in a sentence. */
  noun?: Term;
  /** Generates a book title and an author instead of a product line. */
  book?: boolean;
  /** Overrides the category's brands (publishers for books, makers for stationery). */
  brands?: Brand[];
  /** Overrides the category's description templates. */
  text?: { en: DescriptionTemplates; zh: DescriptionTemplates };
}

/**
 * Description sentences. Placeholders: {name} (brand + line), {brand}, {sub}, {f1}, {f2},
 * {material}, {use}, {color}, {variant}, {noun}; books add {author}, {pages}; {a:x} puts "a"/"an" before x. A template is only used for a product
 * that has every slot it names; the first letter of a sentence is capitalised after filling.
 */
export interface DescriptionTemplates {
  open: string[];
  detail: string[];
  close: string[];
}

export interface CategoryDef {
  /** The `category` facet. */
  id: string;
  en: string;
  zh: string;
  /** Share of the catalogue, relative to the other categories. */
  weight: number;
  brands: Brand[];
  /** Product line names that follow the brand in titles ("Aero", "Heritage"). */
  lines: string[];
  /** Appended to a line name now and then, with a number ("Aero 2", "Nova X5 Pro"). */
  lineNumbers?: boolean;
  lineSuffixes?: string[];
  subtypes: SubType[];
  text: { en: DescriptionTemplates; zh: DescriptionTemplates };
}
