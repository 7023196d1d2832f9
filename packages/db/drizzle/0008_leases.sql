CREATE TABLE `leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`owner` text DEFAULT '' NOT NULL,
	`since` integer NOT NULL,
	`until` integer NOT NULL
);
