import { describe, expect, it } from "vitest";
import { escapeHtml, html, trustedHtml } from "./html.ts";

describe("html", () => {
  it("escapes every interpolated string, in text and attributes alike", () => {
    const name = `"><script>alert('x')</script>&\``;
    expect(html`<p title="${name}">${name}</p>`.text).toBe(
      `<p title="&#34;&#62;&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;&#38;&#96;">&#34;&#62;&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;&#38;&#96;</p>`,
    );
  });

  it("nests safe fragments and lists, and renders nothing for absent values", () => {
    const items = ["<a>", "b"].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>${false}${null}${undefined}${0}`.text).toBe(
      "<ul><li>&#60;a&#62;</li><li>b</li></ul>0",
    );
  });

  it("passes trusted markup through untouched", () => {
    expect(html`<div>${trustedHtml("<svg></svg>")}</div>`.text).toBe("<div><svg></svg></div>");
    expect(escapeHtml("a&b")).toBe("a&#38;b");
  });
});
