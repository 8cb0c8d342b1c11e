-- Distributes Splitlab's tables on Citus. Run once on the coordinator, after the server has
-- applied its normal migrations (start it once against the coordinator's DATABASE_URL), with
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f migrations/citus/distribute.sql
-- Safe to run again: tables that are already Citus tables are left alone.
-- See docs/SCALING.md for when to do this and the settings that matter.
--
-- Small tables are reference tables (a copy on every node, joinable with anything): layers
-- first, because experiments has a foreign key to it. The three large tables are distributed
-- by unit_id and colocated, so the exposure x event join of the results engine (always on
-- unit_id) runs inside each shard.

CREATE EXTENSION IF NOT EXISTS citus;

DO $$
DECLARE
  reference_tables text[] := array['layers', 'experiments', 'metrics', 'api_keys', 'audit_log', 'results_state', 'results_sums'];
  distributed_tables text[] := array['exposures', 'events', 'results_units'];
  t text;
BEGIN
  FOREACH t IN ARRAY reference_tables LOOP
    IF to_regclass(t) IS NULL THEN
      RAISE EXCEPTION 'table % does not exist: start the server once against this database first', t;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = to_regclass(t)) THEN
      PERFORM create_reference_table(t);
    END IF;
  END LOOP;
  FOREACH t IN ARRAY distributed_tables LOOP
    IF to_regclass(t) IS NULL THEN
      RAISE EXCEPTION 'table % does not exist: start the server once against this database first', t;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = to_regclass(t)) THEN
      IF t = 'exposures' THEN
        PERFORM create_distributed_table(t, 'unit_id');
      ELSE
        PERFORM create_distributed_table(t, 'unit_id', colocate_with => 'exposures');
      END IF;
    END IF;
  END LOOP;
END
$$;
