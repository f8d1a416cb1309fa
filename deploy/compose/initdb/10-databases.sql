-- Run once by the postgres image on an empty data volume (docker-compose.yml mounts this
-- folder at /docker-entrypoint-initdb.d): one database per service, as in production.
CREATE DATABASE skills_identity;
CREATE DATABASE skills_organizations;
CREATE DATABASE skills_campaigns;
CREATE DATABASE skills_assessment;
CREATE DATABASE skills_reporting;
CREATE DATABASE skills_certification;
