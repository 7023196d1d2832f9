CREATE TABLE `login_successes` (
	`ip` text NOT NULL,
	`login` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`ip`, `login`)
);
--> statement-breakpoint
CREATE INDEX `login_successes_at` ON `login_successes` (`at`);--> statement-breakpoint
ALTER TABLE `orders` ADD `one_c_status_id` text;--> statement-breakpoint
CREATE INDEX `sessions_sessid` ON `sessions` (`sessid_hash`);