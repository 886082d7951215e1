"""The pages, by capability: plans, projects and proposals, tables and exports, countries, imports."""
