global using Connect.Bridge;
