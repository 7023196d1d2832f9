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
DROP INDEX `orders_one_c_id`;--> statement-breakpoint
DROP INDEX `orders_one_c_number`;--> statement-breakpoint
ALTER TABLE `orders` DROP COLUMN `one_c_id`;--> statement-breakpoint
ALTER TABLE `orders` DROP COLUMN `one_c_number`;--> statement-breakpoint
ALTER TABLE `orders` DROP COLUMN `one_c_date`;--> statement-breakpoint
ALTER TABLE `orders` DROP COLUMN `posted`;--> statement-breakpoint
ALTER TABLE `orders` DROP COLUMN `paid`;--> statement-breakpoint
ALTER TABLE `orders` DROP COLUMN `paid_at`;--> statement-breakpoint
ALTER TABLE `orders` DROP COLUMN `payment_number`;--> statement-breakpoint
ALTER TABLE `orders` DROP COLUMN `shipped`;--> statement-breakpoint
ALTER TABLE `orders` DROP COLUMN `shipped_at`;--> statement-breakpoint
ALTER TABLE `orders` DROP COLUMN `shipment_number`;--> statement-breakpoint
ALTER TABLE `orders` DROP COLUMN `cancelled`;--> statement-breakpoint
ALTER TABLE `orders` DROP COLUMN `deleted`;--> statement-breakpoint
ALTER TABLE `orders` DROP COLUMN `final`;--> statement-breakpoint
ALTER TABLE `orders` DROP COLUMN `one_c_status`;--> statement-breakpoint
ALTER TABLE `orders` DROP COLUMN `one_c_status_id`;--> statement-breakpoint
ALTER TABLE `orders` DROP COLUMN `one_c_content`;--> statement-breakpoint
ALTER TABLE `orders` DROP COLUMN `last_import_at`;