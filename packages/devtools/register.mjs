// The dev tools run from the checkout as TypeScript: they are never built and never shipped. The compiled CLI
// imports this first, so that Node can load them (and the test helpers they use) through tsx's loader.
import { register } from "tsx/esm/api";

register();
