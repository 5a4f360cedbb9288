"""What the REST functions share: the resolver, the error shape and who is calling."""
