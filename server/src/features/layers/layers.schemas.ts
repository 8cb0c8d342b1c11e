import { z } from "zod";
import { displayName, longText, slug } from "../../shared/schemas.js";

/** Body of `POST /api/v1/layers`. */
export const createLayerRequest = z
  .strictObject({ key: slug, name: displayName, description: longText.default("") })
  .meta({ id: "CreateLayerRequest" });
/** Parsed create request. */
export type CreateLayerRequest = z.output<typeof createLayerRequest>;

/** Body of `PATCH /api/v1/layers/:key`. */
export const updateLayerRequest = z
  .strictObject({ name: displayName.optional(), description: longText.optional() })
  .meta({ id: "UpdateLayerRequest" });
/** Parsed update request. */
export type UpdateLayerRequest = z.output<typeof updateLayerRequest>;

/** A layer with the slices its experiments own. */
export const layerResponse = z
  .object({
    key: z.string(),
    name: z.string(),
    description: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    experiments: z.array(
      z.object({
        key: z.string(),
        status: z.string(),
        range: z.tuple([z.number(), z.number()]),
      }),
    ),
  })
  .meta({ id: "Layer" });
/** A layer as the API returns it. */
export type LayerResponse = z.infer<typeof layerResponse>;

/** Answer of `GET /api/v1/layers`. */
export const layerListResponse = z.object({ layers: z.array(layerResponse) }).meta({ id: "LayerList" });
