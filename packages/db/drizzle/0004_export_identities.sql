CREATE TABLE `export_identities` (
	`node_id` text NOT NULL,
	`order_id` text NOT NULL,
	`number` text NOT NULL,
	`date` text NOT NULL,
	`key` text NOT NULL,
	`cut` text NOT NULL,
	`policy` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`node_id`, `order_id`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `export_identities_number` ON `export_identities` (`node_id`,`number`) WHERE policy <> 'legacy';--> statement-breakpoint
CREATE UNIQUE INDEX `export_identities_bp_key` ON `export_identities` (`node_id`,`key`) WHERE policy = 'bp';--> statement-breakpoint
CREATE INDEX `export_identities_key` ON `export_identities` (`node_id`,`key`);--> statement-breakpoint
CREATE INDEX `export_identities_cut` ON `export_identities` (`node_id`,`cut`);--> statement-breakpoint
CREATE INDEX `export_identities_order` ON `export_identities` (`order_id`);--> statement-breakpoint
CREATE TABLE `unmatched_documents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`node_id` text NOT NULL,
	`ref` text NOT NULL,
	`kind` text NOT NULL,
	`one_c_id` text,
	`number` text,
	`date` text,
	`basis` text,
	`doc` text NOT NULL,
	`reason` text NOT NULL,
	`first_seen` text NOT NULL,
	`last_seen` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `unmatched_documents_ref` ON `unmatched_documents` (`node_id`,`ref`);--> statement-breakpoint
CREATE INDEX `unmatched_documents_number` ON `unmatched_documents` (`number`);--> statement-breakpoint
CREATE INDEX `unmatched_documents_basis` ON `unmatched_documents` (`basis`);