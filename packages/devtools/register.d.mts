// Side effects only: registers the TypeScript loader.
export {};
