-- One database per service, each owned by a login role of the same name that can do nothing else: no superuser, no
-- database or role creation, and no other role may connect to its database (as the embedded PostgreSQL the launcher
-- tests with: embedded/.../EmbeddedPostgresServer#createServiceDatabase). Services never get the superuser.
-- Run once by the postgres image (psql, /docker-entrypoint-initdb.d) on an empty data directory; compose and the
-- Kubernetes base share this file. Each role's password is read from the file 'edgeloop secrets init' wrote
-- (postgres/<role>), mounted under /run/secrets/edgeloop-db/; psql's backquotes run `cat` and :'pw' quotes the value
-- as an SQL literal, so no password is in this file. Each role also owns its database's public schema: a NOINHERIT
-- role does not use pg_database_owner's rights there (PostgreSQL 15 refuses it CREATE otherwise). Passwords are SCRAM-SHA-256 hashed (password_encryption,
-- PostgreSQL's default since 14). A role's password changed later: ALTER ROLE ... PASSWORD as the superuser.
\set ON_ERROR_STOP on

\set pw `cat /run/secrets/edgeloop-db/edgeloop_data`
CREATE ROLE edgeloop_data LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'pw';
CREATE DATABASE edgeloop_data OWNER edgeloop_data;
REVOKE ALL ON DATABASE edgeloop_data FROM PUBLIC;
\connect edgeloop_data
ALTER SCHEMA public OWNER TO edgeloop_data;
\connect postgres

\set pw `cat /run/secrets/edgeloop-db/edgeloop_training`
CREATE ROLE edgeloop_training LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'pw';
CREATE DATABASE edgeloop_training OWNER edgeloop_training;
REVOKE ALL ON DATABASE edgeloop_training FROM PUBLIC;
\connect edgeloop_training
ALTER SCHEMA public OWNER TO edgeloop_training;
\connect postgres

\set pw `cat /run/secrets/edgeloop-db/edgeloop_compiler`
CREATE ROLE edgeloop_compiler LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'pw';
CREATE DATABASE edgeloop_compiler OWNER edgeloop_compiler;
REVOKE ALL ON DATABASE edgeloop_compiler FROM PUBLIC;
\connect edgeloop_compiler
ALTER SCHEMA public OWNER TO edgeloop_compiler;
\connect postgres

\set pw `cat /run/secrets/edgeloop-db/edgeloop_registry`
CREATE ROLE edgeloop_registry LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'pw';
CREATE DATABASE edgeloop_registry OWNER edgeloop_registry;
REVOKE ALL ON DATABASE edgeloop_registry FROM PUBLIC;
\connect edgeloop_registry
ALTER SCHEMA public OWNER TO edgeloop_registry;
\connect postgres

\set pw `cat /run/secrets/edgeloop-db/edgeloop_deployment`
CREATE ROLE edgeloop_deployment LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'pw';
CREATE DATABASE edgeloop_deployment OWNER edgeloop_deployment;
REVOKE ALL ON DATABASE edgeloop_deployment FROM PUBLIC;
\connect edgeloop_deployment
ALTER SCHEMA public OWNER TO edgeloop_deployment;
\connect postgres

\set pw `cat /run/secrets/edgeloop-db/edgeloop_monitoring`
CREATE ROLE edgeloop_monitoring LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'pw';
CREATE DATABASE edgeloop_monitoring OWNER edgeloop_monitoring;
REVOKE ALL ON DATABASE edgeloop_monitoring FROM PUBLIC;
\connect edgeloop_monitoring
ALTER SCHEMA public OWNER TO edgeloop_monitoring;
\connect postgres

\unset pw
