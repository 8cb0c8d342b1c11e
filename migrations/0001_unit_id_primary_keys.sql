-- Idempotency per (unit id, event id): the primary keys lead with unit_id, the distribution
-- column on Citus, whose distributed tables refuse a unique constraint without it
-- (docs/SCALING.md). The primary key of exposures also serves erasure by unit, so its
-- separate unit index goes.
ALTER TABLE "exposures" DROP CONSTRAINT "exposures_pkey";--> statement-breakpoint
ALTER TABLE "exposures" ADD CONSTRAINT "exposures_pkey" PRIMARY KEY("unit_id","id");--> statement-breakpoint
DROP INDEX "exposures_unit_idx";--> statement-breakpoint
ALTER TABLE "events" DROP CONSTRAINT "events_pkey";--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_pkey" PRIMARY KEY("unit_id","id");
