"""Domain model: agencies, fonds, dossiers, documents, components, their codes and enums."""
