-- Environments: an experiment is enabled per environment, exposures and events store the
-- environment of the SDK key that sent them, and the per-unit results aggregate is kept per
-- environment. Existing rows were all counted as one environment before: they become
-- 'production' (the default report), so reports of an upgraded database do not change.
ALTER TABLE "events" ADD COLUMN "environment" text DEFAULT 'production' NOT NULL;--> statement-breakpoint
ALTER TABLE "exposures" ADD COLUMN "environment" text DEFAULT 'production' NOT NULL;--> statement-breakpoint
ALTER TABLE "results_units" ADD COLUMN "environment" text DEFAULT 'production' NOT NULL;--> statement-breakpoint
-- The key keeps unit_id, the distribution column on Citus (migrations/citus/distribute.sql).
ALTER TABLE "results_units" DROP CONSTRAINT "results_units_experiment_key_unit_id_pk";--> statement-breakpoint
ALTER TABLE "results_units" ADD CONSTRAINT "results_units_experiment_key_unit_id_environment_pk" PRIMARY KEY("experiment_key","unit_id","environment");--> statement-breakpoint
ALTER TABLE "experiments" ADD COLUMN "environments" text[] DEFAULT '{production}'::text[] NOT NULL;--> statement-breakpoint
-- Every SDK key received every running experiment before: existing experiments stay enabled in
-- every environment known now (production, staging and each SDK key's environment), so an
-- upgrade changes no key's config.
UPDATE "experiments" SET "environments" = array(
  select env from (
    select 'production' as env union select 'staging'
    union select distinct "environment" from "api_keys" where "kind" = 'sdk' and "environment" is not null
  ) known order by env
);
