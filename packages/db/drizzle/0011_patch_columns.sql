ALTER TABLE `import_patches` ADD `mask` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `import_patches` ADD `one_c_id` text;--> statement-breakpoint
ALTER TABLE `import_patches` ADD `one_c_number` text;--> statement-breakpoint
ALTER TABLE `import_patches` ADD `one_c_date` text;--> statement-breakpoint
ALTER TABLE `import_patches` ADD `posted` integer;--> statement-breakpoint
ALTER TABLE `import_patches` ADD `paid` integer;--> statement-breakpoint
ALTER TABLE `import_patches` ADD `paid_at` text;--> statement-breakpoint
ALTER TABLE `import_patches` ADD `payment_number` text;--> statement-breakpoint
ALTER TABLE `import_patches` ADD `shipped` integer;--> statement-breakpoint
ALTER TABLE `import_patches` ADD `shipped_at` text;--> statement-breakpoint
ALTER TABLE `import_patches` ADD `shipment_number` text;--> statement-breakpoint
ALTER TABLE `import_patches` ADD `cancelled` integer;--> statement-breakpoint
ALTER TABLE `import_patches` ADD `deleted` integer;--> statement-breakpoint
ALTER TABLE `import_patches` ADD `final` integer;--> statement-breakpoint
ALTER TABLE `import_patches` ADD `one_c_status` text;--> statement-breakpoint
ALTER TABLE `import_patches` ADD `one_c_status_id` text;--> statement-breakpoint
ALTER TABLE `import_patches` ADD `one_c_content` text;--> statement-breakpoint
ALTER TABLE `import_patches` ADD `base_revision` integer;