ALTER TABLE `node_acks` ADD `content` text;--> statement-breakpoint
ALTER TABLE `pending_batch` ADD `content` text;