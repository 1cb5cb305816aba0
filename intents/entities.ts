/**
 * Entity extraction for shop messages in English and Chinese: price range, catalogue categories
 * and brands (from the shop's Lexicon), colours and sizes — all returned as canonical values the
 * catalogue filters understand. Rule-based on purpose: it is exact where a shopper is exact, runs
 * in microseconds, and every rule can be read and tested.
 */
import { extractColors } from "./entities/colors.ts";
import { compileLexicon, findNames, normaliseForLexicon } from "./entities/lexicon.ts";
import { extractEmail, extractOrderNumber, extractPostcode } from "./entities/orders.ts";
import { extractPrice } from "./entities/price.ts";
import { extractSizes } from "./entities/sizes.ts";
import type { Entities, Lexicon } from "./types.ts";

export { COLORS, colorName, colorShades, colourWords, extractColors } from "./entities/colors.ts";
export { compileLexicon } from "./entities/lexicon.ts";
export { extractEmail, extractOrderNumber, extractPostcode, readBareOrderNumber, readBarePostcode } from "./entities/orders.ts";
export { AROUND_TOLERANCE, extractPrice } from "./entities/price.ts";
export { extractSizes, withoutSizePhrases } from "./entities/sizes.ts";
export { spokenAmountsToDigits } from "./entities/numbers.ts";

/**
 * Everything the text names. `lexicon` is validated and compiled on first use and cached per
 * object, so pass the same object for every message and a new one when the catalogue changes.
 */
export function extractEntities(text: string, lexicon: Lexicon): Entities {
  const compiled = compileLexicon(lexicon);
  const normal = normaliseForLexicon(text);
  const entities: Entities = {
    categories: findNames(compiled.categories, normal),
    brands: findNames(compiled.brands, normal),
    colors: extractColors(text),
    sizes: extractSizes(text),
  };
  const price = extractPrice(text);
  if (price) entities.price = price;
  const orderNumber = extractOrderNumber(text);
  if (orderNumber) entities.orderNumber = orderNumber;
  const email = extractEmail(text);
  if (email) entities.email = email;
  const postcode = extractPostcode(text);
  if (postcode) entities.postcode = postcode;
  return entities;
}
