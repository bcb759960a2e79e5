export { type Bip21Input, bip21Uri } from "./bip21.ts";
export { type Eip681Input, eip681Uri } from "./eip681.ts";
