// Compiles the test contracts into artifacts.json beside them: `npx tsx test/contracts/build.ts`.
import { readFileSync, writeFileSync } from "node:fs";
import solc from "solc";

const contracts = ["TestToken", "Forwarder", "NoBoolToken"] as const;
const here = new URL(".", import.meta.url);

const input = {
  language: "Solidity",
  sources: Object.fromEntries(
    contracts.map((name) => [`${name}.sol`, { content: readFileSync(new URL(`${name}.sol`, here), "utf8") }]),
  ),
  settings: {
    // Paris: no PUSH0 etc. surprises on whatever hardfork a test node runs.
    evmVersion: "paris",
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
  },
};

interface Output {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
}
const output = JSON.parse(solc.compile(JSON.stringify(input))) as Output;
const errors = (output.errors ?? []).filter((e) => e.severity === "error");
if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));

const artifacts = Object.fromEntries(
  contracts.map((name) => {
    const compiled = output.contracts[`${name}.sol`]?.[name];
    if (!compiled) throw new Error(`solc produced no ${name}`);
    return [name, { abi: compiled.abi, bytecode: `0x${compiled.evm.bytecode.object}` }];
  }),
);
writeFileSync(new URL("artifacts.json", here), `${JSON.stringify(artifacts, null, 2)}\n`);
console.log(`wrote artifacts.json (solc ${solc.version()})`);
