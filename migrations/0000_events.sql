CREATE TABLE "events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"unit_id" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"value" double precision,
	"properties" jsonb,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exposures" (
	"id" uuid PRIMARY KEY NOT NULL,
	"experiment_key" text NOT NULL,
	"variant_key" text NOT NULL,
	"unit_id" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"attributes" jsonb,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "events_unit_name_ts_idx" ON "events" USING btree ("unit_id","name","ts");--> statement-breakpoint
CREATE INDEX "events_ts_brin" ON "events" USING brin ("ts");--> statement-breakpoint
CREATE INDEX "exposures_experiment_unit_ts_idx" ON "exposures" USING btree ("experiment_key","unit_id","ts");--> statement-breakpoint
CREATE INDEX "exposures_unit_idx" ON "exposures" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "exposures_ts_brin" ON "exposures" USING brin ("ts");