/** The drizzle-kit output folder of this package. */
export declare const DRIZZLE_DIR: URL;
/** The generated module src/migrations.gen.ts. */
export declare const GENERATED_FILE: URL;
/** The text of src/migrations.gen.ts for the migrations in `dir` (journal order), and how many there are. */
export declare function renderMigrations(dir?: URL): { text: string; count: number };
