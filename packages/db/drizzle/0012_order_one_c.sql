CREATE TABLE `order_one_c` (
	`order_id` text PRIMARY KEY NOT NULL,
	`one_c_id` text,
	`one_c_number` text,
	`one_c_date` text,
	`posted` integer,
	`paid` integer,
	`paid_at` text,
	`payment_number` text,
	`shipped` integer,
	`shipped_at` text,
	`shipment_number` text,
	`cancelled` integer,
	`deleted` integer,
	`final` integer,
	`one_c_status` text,
	`one_c_status_id` text,
	`one_c_content` text,
	`last_import_at` text
);
--> statement-breakpoint
CREATE INDEX `order_one_c_id` ON `order_one_c` (`one_c_id`);--> statement-breakpoint
CREATE INDEX `order_one_c_number` ON `order_one_c` (`one_c_number`);--> statement-breakpoint
-- what 1C told about each order moves to its own table (orders that 1C never sent a document for have no row)
INSERT INTO `order_one_c` (order_id, one_c_id, one_c_number, one_c_date, posted, paid, paid_at, payment_number, shipped, shipped_at, shipment_number, cancelled, deleted, final, one_c_status, one_c_status_id, one_c_content, last_import_at)
	SELECT id, one_c_id, one_c_number, one_c_date, posted, paid, paid_at, payment_number, shipped, shipped_at, shipment_number, cancelled, deleted, final, one_c_status, one_c_status_id, one_c_content, last_import_at FROM `orders`
	WHERE coalesce(one_c_id, one_c_number, one_c_date, posted, paid, paid_at, payment_number, shipped, shipped_at, shipment_number, cancelled, deleted, final, one_c_status, one_c_status_id, one_c_content, last_import_at) IS NOT NULL;--> statement-breakpoint
-- orders without those columns: rebuilt once (each DROP COLUMN would rewrite the whole table again)
CREATE TABLE `__new_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`number_num` integer,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`data` text NOT NULL,
	`revision` integer NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`held` text
);
--> statement-breakpoint
INSERT INTO `__new_orders` (id, number, number_num, status, created_at, data, revision, updated_at, deleted_at, held)
	SELECT id, number, number_num, status, created_at, data, revision, updated_at, deleted_at, held FROM `orders`;--> statement-breakpoint
DROP TABLE `orders`;--> statement-breakpoint
ALTER TABLE `__new_orders` RENAME TO `orders`;--> statement-breakpoint
CREATE INDEX `orders_number` ON `orders` (`number`);--> statement-breakpoint
CREATE INDEX `orders_deleted_at` ON `orders` (`deleted_at`);--> statement-breakpoint
CREATE INDEX `orders_revision` ON `orders` (`revision`);--> statement-breakpoint
CREATE INDEX `orders_status` ON `orders` (`status`);