ALTER TABLE `import_patches` ADD `data` text;--> statement-breakpoint
ALTER TABLE `import_patches` ADD `held` text;--> statement-breakpoint
ALTER TABLE `import_patches` ADD `ack` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `node_acks` ADD `data` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `one_c_content` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `held` text;--> statement-breakpoint
ALTER TABLE `pending_batch` ADD `data` text;