import { describe, expect, it } from "vitest";
import { Catalog } from "../../recommend/catalog.ts";

describe("price filters and currencies", () => {
  const catalog = new Catalog();
  catalog.upsert([
    { id: "usd-cheap", title: "a", price: 50, currency: "USD" },
    { id: "cny-cheap", title: "b", price: 50, currency: "CNY" },
    { id: "usd-dear", title: "c", price: 500, currency: "USD" },
    { id: "unpriced-currency", title: "d", price: 20 },
  ]);
  const passing = (filters: Parameters<Catalog["compile"]>[0]) => {
    const f = catalog.compile(filters);
    return [...catalog.slots()].filter((s) => f.accept(s)).map((s) => catalog.product(s)!.id).sort();
  };

  it("keeps price bounds to the shopper's currency", () => {
    expect(passing({ priceMax: 100, currency: "USD" })).toEqual(["unpriced-currency", "usd-cheap"]);
    expect(passing({ priceMax: 100, currency: "CNY" })).toEqual(["cny-cheap", "unpriced-currency"]);
  });

  it("ignores a currency no product has, and compares numbers alone without one", () => {
    expect(passing({ priceMax: 100, currency: "EUR" })).toEqual(["cny-cheap", "unpriced-currency", "usd-cheap"]);
    expect(passing({ priceMax: 100 })).toEqual(["cny-cheap", "unpriced-currency", "usd-cheap"]);
  });
});
