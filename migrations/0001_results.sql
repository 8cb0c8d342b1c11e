CREATE TABLE "results_state" (
	"experiment_key" text PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"watermark" timestamp with time zone NOT NULL,
	"unknown_variant_exposures" bigint NOT NULL,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "results_units" (
	"experiment_key" text NOT NULL,
	"unit_id" text NOT NULL,
	"variant_key" text NOT NULL,
	"multi" boolean NOT NULL,
	"first_ts" timestamp with time zone NOT NULL,
	"attributes" jsonb,
	"n" double precision[] NOT NULL,
	"s" double precision[] NOT NULL,
	"k" double precision[] NOT NULL,
	CONSTRAINT "results_units_experiment_key_unit_id_pk" PRIMARY KEY("experiment_key","unit_id")
);
--> statement-breakpoint
CREATE INDEX "events_received_brin" ON "events" USING brin ("received_at");--> statement-breakpoint
CREATE INDEX "exposures_received_brin" ON "exposures" USING brin ("received_at");