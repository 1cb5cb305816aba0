import { beauty } from "./beauty.ts";
import { books } from "./books.ts";
import { clothing } from "./clothing.ts";
import { electronics } from "./electronics.ts";
import { food } from "./food.ts";
import { home } from "./home.ts";
import { outdoor } from "./outdoor.ts";
import { shoes } from "./shoes.ts";
import { sports } from "./sports.ts";
import { toys } from "./toys.ts";
import type { CategoryDef } from "./types.ts";

/** Order matters: with the weights it decides which category product #i falls in. */
export const CATEGORIES: readonly CategoryDef[] = [shoes, clothing, electronics, home, beauty, sports, food, toys, books, outdoor];

export { AUDIENCE_TAG, AUDIENCE_TITLE, COLORS, SIZE_RUNS } from "./common.ts";
export type { Audience, Brand, CategoryDef, ColorId, DescriptionTemplates, SizeScheme, SubType, Term } from "./types.ts";
