/** How the OpenMemory MCP server introduces itself (v1.2 used the same name). */
export const MCP_SERVER_NAME = 'openmemory-mcp';
export const MCP_SERVER_VERSION = '2.0.0';
