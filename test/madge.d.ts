/** The part of madge's API (lib/api.js, madge 8.0.0) the import-graph test uses; madge ships no types. */
declare module "madge" {
  interface MadgeResult {
    /** File → the files it imports, relative to the base directory. */
    obj(): Record<string, string[]>;
    /** Each cycle as the files along it. */
    circular(): string[][];
  }
  interface MadgeConfig {
    fileExtensions?: string[];
    detectiveOptions?: { ts?: { skipTypeImports?: boolean } };
  }
  function madge(path: string | string[], config?: MadgeConfig): Promise<MadgeResult>;
  export = madge;
}
