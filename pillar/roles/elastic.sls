# Search: one Elasticsearch cluster per level, every elastic host of the level a node of it (seed
# hosts and initial master nodes from the inventory).
elastic:
  # The example network's hosts cannot reach Elastic's repository, and the repository's key is not
  # shipped: states/elastic/files/elasticsearch.asc says where to get it. With install False the
  # hosts get the configuration only; once the key is in place and the hosts reach
  # artifacts.elastic.co (or a mirror of it, elastic:repo:url), set it to True for the repository,
  # the package and the service.
  install: False
  settings:
    # TLS and users are not set up by this formula: the nodes listen on the level's private
    # network only and must be kept off every other one.
    xpack.security.enabled: false
