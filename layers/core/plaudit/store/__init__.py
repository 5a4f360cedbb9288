"""DynamoDB access. The only package that knows key formats and item shapes."""
