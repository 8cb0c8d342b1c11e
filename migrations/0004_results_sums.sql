CREATE TABLE "results_sums" (
	"experiment_key" text NOT NULL,
	"environment" text NOT NULL,
	"variant_key" text NOT NULL,
	"multi" boolean NOT NULL,
	"first_day" integer NOT NULL,
	"excl" integer NOT NULL,
	"units" double precision NOT NULL,
	"sums" double precision[] NOT NULL,
	CONSTRAINT "results_sums_experiment_key_environment_variant_key_multi_first_day_excl_pk" PRIMARY KEY("experiment_key","environment","variant_key","multi","first_day","excl")
);
--> statement-breakpoint
ALTER TABLE "results_state" ADD COLUMN "sums_fingerprint" text;