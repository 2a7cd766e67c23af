-- A migration owned by the test assembly, applied by the real DatabaseMigrator in MigrationTests.
create table widgets (id bigint generated always as identity primary key, name text not null);
