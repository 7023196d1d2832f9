ALTER TABLE `orders` ADD `deleted_at` text;--> statement-breakpoint
CREATE INDEX `orders_deleted_at` ON `orders` (`deleted_at`);