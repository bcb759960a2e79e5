import { type Config, ConfigError, connectDatabase, type Db, loadConfig } from "@paygate/shared";

/** Commands load configuration when they run, so `--help` works without a database. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`paygate: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

export async function withDatabase<T>(run: (db: Db, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfigOrExit();
  const db = connectDatabase(config.databaseUrl, { max: 2, applicationName: "paygate-cli" });
  try {
    return await run(db, config);
  } finally {
    await db.destroy();
  }
}
