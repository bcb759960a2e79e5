/** Where a deposit address's key sits under the merchant's seed (contract section 1: `0/i` under m/44'/60'/0'). */
export const derivationPath = (index: number): string => `m/44'/60'/0'/0/${index}`;
