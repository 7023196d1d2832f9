// Regenerates packages/core/schema/order.schema.json from the zod order schema (run after build).
import { writeFileSync } from "node:fs";
import { orderJsonSchema } from "../dist/index.js";

writeFileSync(new URL("../schema/order.schema.json", import.meta.url), `${JSON.stringify(orderJsonSchema(), null, "\t")}\n`);
