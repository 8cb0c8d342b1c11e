CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_key" text NOT NULL,
	"before" jsonb,
	"after" jsonb
);
--> statement-breakpoint
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
CREATE TABLE "experiments" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"hypothesis" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"seed" text NOT NULL,
	"hash_version" integer DEFAULT 1 NOT NULL,
	"unit_attribute" text DEFAULT 'id' NOT NULL,
	"variants" jsonb NOT NULL,
	"coverage" double precision DEFAULT 1 NOT NULL,
	"layer_key" text,
	"layer_lo" double precision,
	"layer_hi" double precision,
	"condition" jsonb,
	"forced" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"primary_metrics" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"guardrail_metrics" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"analysis" jsonb NOT NULL,
	"decision" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"stopped_at" timestamp with time zone,
	"archived_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"environment" text,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "layers" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "metrics" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"event_name" text NOT NULL,
	"type" text NOT NULL,
	"window_hours" integer NOT NULL,
	"direction" text DEFAULT 'increase' NOT NULL,
	"cap" double precision,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
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
	"first_day" integer NOT NULL,
	"attributes" jsonb,
	"n" double precision[] NOT NULL,
	"s" double precision[] NOT NULL,
	"k" double precision[] NOT NULL,
	CONSTRAINT "results_units_experiment_key_unit_id_pk" PRIMARY KEY("experiment_key","unit_id")
);
--> statement-breakpoint
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_layer_key_layers_key_fk" FOREIGN KEY ("layer_key") REFERENCES "public"."layers"("key") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_entity_idx" ON "audit_log" USING btree ("entity_type","entity_key","id");--> statement-breakpoint
CREATE INDEX "events_unit_name_ts_idx" ON "events" USING btree ("unit_id","name","ts");--> statement-breakpoint
CREATE INDEX "events_ts_brin" ON "events" USING brin ("ts");--> statement-breakpoint
CREATE INDEX "events_received_brin" ON "events" USING brin ("received_at");--> statement-breakpoint
CREATE INDEX "exposures_experiment_unit_ts_idx" ON "exposures" USING btree ("experiment_key","unit_id","ts");--> statement-breakpoint
CREATE INDEX "exposures_unit_idx" ON "exposures" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "exposures_ts_brin" ON "exposures" USING brin ("ts");--> statement-breakpoint
CREATE INDEX "exposures_received_brin" ON "exposures" USING brin ("received_at");--> statement-breakpoint
CREATE INDEX "experiments_status_idx" ON "experiments" USING btree ("status");--> statement-breakpoint
CREATE INDEX "experiments_layer_idx" ON "experiments" USING btree ("layer_key");--> statement-breakpoint
CREATE INDEX "metrics_event_name_idx" ON "metrics" USING btree ("event_name");