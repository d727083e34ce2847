-- One database (schema) per subgraph: each owns its tables and runs its own migrations.
CREATE DATABASE IF NOT EXISTS partners CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
GRANT ALL PRIVILEGES ON partners.* TO 'hub'@'%';
CREATE DATABASE IF NOT EXISTS deals CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
GRANT ALL PRIVILEGES ON deals.* TO 'hub'@'%';
CREATE DATABASE IF NOT EXISTS licenses CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
GRANT ALL PRIVILEGES ON licenses.* TO 'hub'@'%';
CREATE DATABASE IF NOT EXISTS incentives CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
GRANT ALL PRIVILEGES ON incentives.* TO 'hub'@'%';
