import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { InitialSchema1763859600000 } from './migrations/1763859600000-InitialSchema';
import { RulesSchema1763900000000 } from './migrations/1763900000000-RulesSchema';
import { RulesFindingKeys1763900000001 } from './migrations/1763900000001-RulesFindingKeys';

/** Migrations in order. Schema changes only ever happen here: `synchronize` stays off. */
export const MIGRATIONS = [InitialSchema1763859600000, RulesSchema1763900000000, RulesFindingKeys1763900000001];

export function createDataSource(url: string, poolSize = 8): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'kj_migrations',
    extra: { max: poolSize, application_name: 'kanjian' },
    logging: false,
  });
}
